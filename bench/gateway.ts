/**
 * What the gateway costs: (1) HTTP `tools/call` (2026 stateless, `echo`) straight to an erlmcp
 * upstream (the everything example) against the same call through an erlmcp gateway in front of it,
 * with auditing off and with the default audit (a JSON line per call on stderr, here /dev/null);
 * wrk -t1 -c32; and, as the floor of any relay, a bare Node HTTP relay with no MCP at all. The
 * upstream, both gateways and the relay stay up for the whole run and take turns in ABCDDCBA order;
 * the upstream is pinned to one core, wrk and the relays to the other (target: through / direct >=
 * 0.60). (2) A repeated 2026 `tools/list` through a gateway whose upstream sets
 * `cache: { ttlMs }`: how many reach the upstream (target: the gateway's own first read only), and without ttlMs (every one).
 * Usage: node dist/bench/gateway.js [--seconds 3] [--rounds 5] [--lists 200] [--quick] [--json file]
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RequestEvent } from '../src/core/diagnostics.js';
import { serveHttp } from '../src/exports/http.js';
import { Gateway } from '../src/gateway/gateway.js';
import { McpServer } from '../src/index.js';
import { benchServerOptions } from './lib/bench-limits.js';
import { type CpuShare, formatCpu, processCpuSeconds } from './lib/cpu.js';
import { ACCEPT } from './lib/http-session.js';
import { medianCpu, writeResult, wrkTargetResult } from './lib/results.js';
import { type ServerProcess, startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    lists: { type: 'string', default: '200' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const quick = values.quick === true;
const seconds = quick ? 1 : Number(values.seconds);
const rounds = quick ? 1 : Number(values.rounds);
const lists = quick ? 50 : Number(values.lists);
const connections = 32;
// The upstream on one core; wrk and the gateway on the other (wrk takes a small share of it).
const UPSTREAM_CPU = 1;
const GATEWAY_CPU = 0;
const WRK_CPU = 0;
const TTL_MS = 60_000;

const DIRECT = 'direct to the upstream';
const OFF = 'gateway, audit off';
const ON = 'gateway, audit on';
const FLOOR = 'bare Node relay (floor)';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
};
const HEADERS = {
  ...ACCEPT,
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};
const PARAMS = JSON.stringify({ name: 'echo', arguments: { message: 'hello' }, _meta: META });

interface Target {
  name: string;
  server: ServerProcess;
  runs: WrkResult[];
  /** The upstream's CPU over each run (through the gateway: what the gateway's calls cost it). */
  upstreamCpu: CpuShare[];
}

const load = (): string => loadavg()[0]!.toFixed(2);

async function measure(target: Target, upstream: ServerProcess, runSeconds = seconds): Promise<WrkResult> {
  const wallStart = performance.now();
  const upstreamStart = processCpuSeconds(upstream.pid);
  const result = await runWrk(
    target.server.url,
    HEADERS,
    '{"jsonrpc":"2.0","id":',
    `,"method":"tools/call","params":${PARAMS}}`,
    { connections, seconds: runSeconds, serverPid: target.server.pid, cpu: WRK_CPU },
  );
  const wall = (performance.now() - wallStart) / 1000;
  const used = processCpuSeconds(upstream.pid) - upstreamStart;
  if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} non-2xx responses`);
  if (!result.stdout.includes('Requests/sec')) throw new Error(`${target.name}: wrk printed no rate`);
  target.upstreamCpu.push({ seconds: used, percent: (used / wall) * 100 });
  return result;
}

/** One checked call, so a gateway that answers errors in 200s cannot pass as fast. */
async function checkEcho(url: string, name: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: HEADERS,
    body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${PARAMS}}`,
  });
  const text = await response.text();
  if (!text.includes('Echo: hello')) throw new Error(`${name}: unexpected answer ${text.slice(0, 300)}`);
}

console.log(
  `gateway overhead, HTTP tools/call 2026: wrk -t1 -c${connections} (upstream on CPU ${UPSTREAM_CPU}; wrk and the gateway on CPU ${GATEWAY_CPU}), ${seconds}s per run, ${rounds} round(s) of eight runs (direct, floor, off, on, on, off, floor, direct), Node ${process.version}, load average ${load()}`,
);
const ratiosOff: number[] = [];
const ratiosOn: number[] = [];
const ratiosFloor: number[] = [];
const servers: ServerProcess[] = [];
const targets: Target[] = [];
try {
  const upstream = await startServer(join(here, 'peers/erlmcp-http-server.js'), [], { cpu: UPSTREAM_CPU });
  servers.push(upstream);
  targets.push({ name: DIRECT, server: upstream, runs: [], upstreamCpu: [] });
  for (const [name, audit] of [
    [OFF, false],
    [ON, true],
  ] as const) {
    const gateway = await startServer(
      join(here, 'peers/erlmcp-gateway-server.js'),
      ['--upstream', upstream.url, ...(audit ? ['--audit'] : [])],
      // The audit lines go where a server's stderr usually goes when no one reads it: a file.
      { cpu: GATEWAY_CPU, ...(audit ? { stderr: 'ignore' as const } : {}) },
    );
    servers.push(gateway);
    targets.push({ name, server: gateway, runs: [], upstreamCpu: [] });
  }
  // The floor: a relay with no MCP at all, on the gateway's core (bench/peers/bare-http-relay.ts).
  const floorServer = await startServer(
    join(here, 'peers/bare-http-relay.js'),
    ['--upstream', upstream.url],
    {
      cpu: GATEWAY_CPU,
    },
  );
  servers.push(floorServer);
  targets.push({ name: FLOOR, server: floorServer, runs: [], upstreamCpu: [] });
  for (const target of targets) {
    await checkEcho(target.server.url, target.name);
    await measure(target, upstream, quick ? 1 : seconds); // warm-up, discarded
    target.upstreamCpu.length = 0;
  }
  const [direct, off, on, floor] = targets as [Target, Target, Target, Target];
  for (let round = 1; round <= rounds; round++) {
    const sums = new Map<Target, number>(targets.map((t) => [t, 0]));
    for (const target of [direct, floor, off, on, on, off, floor, direct]) {
      const result = await measure(target, upstream);
      target.runs.push(result);
      sums.set(target, sums.get(target)! + result.requestsPerSecond);
      console.log(
        `round ${round}: ${target.name.padEnd(24)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(result.generatorCpu)}  ${target === direct ? 'upstream' : 'gateway'} CPU ${formatCpu(result.serverCpu)}${target === direct ? '' : `  upstream CPU ${formatCpu(target.upstreamCpu.at(-1))}`}`,
      );
    }
    ratiosOff.push(sums.get(off)! / sums.get(direct)!);
    ratiosOn.push(sums.get(on)! / sums.get(direct)!);
    ratiosFloor.push(sums.get(floor)! / sums.get(direct)!);
    console.log(
      `round ${round}: through / direct: audit off ${ratiosOff.at(-1)!.toFixed(3)}, audit on ${ratiosOn.at(-1)!.toFixed(3)}; bare relay (floor) ${ratiosFloor.at(-1)!.toFixed(3)} (load average ${load()})`,
    );
  }
} finally {
  for (const server of servers.reverse()) await server.stop();
}

console.log('\nmedians:');
for (const target of targets) {
  const rps = median(target.runs.map((r) => r.requestsPerSecond));
  const p50 = median(target.runs.map((r) => r.p50Ms));
  const p99 = median(target.runs.map((r) => r.p99Ms));
  console.log(
    `  ${target.name.padEnd(24)} ${Math.round(rps).toLocaleString('en-US').padStart(8)} req/s  p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms`,
  );
}
const ratioOff = median(ratiosOff);
const ratioOn = median(ratiosOn);
const ratioFloor = median(ratiosFloor);
console.log(
  `through / direct: audit off ${ratioOff.toFixed(3)}, audit on ${ratioOn.toFixed(3)} (medians of rounds); target >= 0.60; a bare Node relay with no MCP at all (the floor of any relay on these cores): ${ratioFloor.toFixed(3)}`,
);

// (2) tools/list within ttlMs. In this process: the upstream's own request events say what reached it.
async function listsReachingUpstream(ttlMs: number | undefined): Promise<number> {
  const upstreamServer = new McpServer({
    name: 'upstream',
    version: '1',
    ...benchServerOptions(),
    ...(ttlMs === undefined ? {} : { cache: { ttlMs } }),
  });
  upstreamServer.tool('echo', {
    inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
    handler: ({ message }) => `Echo: ${String(message)}`,
  });
  const upstreamHttp = await serveHttp(upstreamServer, { port: 0 });
  const upstreamHost = new URL(upstreamHttp.url).host;
  const gateway = new Gateway(
    { upstreams: { u: { url: upstreamHttp.url } }, naming: 'auto', audit: false },
    { server: benchServerOptions() },
  );
  let reached = 0;
  const count = (message: unknown) => {
    const event = message as RequestEvent;
    if (event.method === 'tools/list' && event.headers?.host === upstreamHost) reached++;
  };
  subscribe('erlmcp:request:start', count);
  try {
    await gateway.start();
    const gatewayHttp = await serveHttp(gateway.server, { port: 0 });
    try {
      for (let i = 0; i < lists; i++) {
        const response = await fetch(gatewayHttp.url, {
          method: 'POST',
          headers: { ...HEADERS, 'mcp-method': 'tools/list' },
          body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list', params: { _meta: META } }),
        });
        const text = await response.text();
        if (!text.includes('"echo"'))
          throw new Error(`tools/list through the gateway: ${text.slice(0, 300)}`);
      }
      // Counted from before the gateway started: its start reads the list once (its catalog).
      return reached;
    } finally {
      await gatewayHttp.close();
    }
  } finally {
    unsubscribe('erlmcp:request:start', count);
    await gateway.close();
    await upstreamHttp.close();
  }
}
const cached = await listsReachingUpstream(TTL_MS);
const uncached = await listsReachingUpstream(undefined);
console.log(
  `\n${lists} tools/list through the gateway: ${cached} reached the upstream with ttlMs ${TTL_MS} (target: 1, the gateway's own first read), ${uncached} without ttlMs`,
);

writeResult(values.json, {
  scenario: 'Gateway overhead, HTTP tools/call 2026 (wrk -t1 -c32)',
  unit: 'req/s',
  generator: 'wrk (lean purpose-built, C, one thread), not the erlmcp client',
  targets: targets.map((target) => ({
    ...wrkTargetResult(`erlmcp, ${target.name}`, target.runs),
    ...(target.upstreamCpu.length
      ? { extra: { 'upstream CPU': formatCpu(medianCpu(target.upstreamCpu)) } }
      : {}),
  })),
  ratio: {
    label: 'through the gateway (audit off) / direct (median of rounds)',
    value: ratioOff,
    rounds: ratiosOff,
  },
  notes: [
    `With the default audit (a JSON line per call on stderr): ${ratioOn.toFixed(2)}× (per round: ${ratiosOn.map((r) => `${r.toFixed(2)}×`).join(', ')}).`,
    `${lists} repeated tools/list through the gateway: ${cached} reached the upstream when it sets ttlMs ${TTL_MS} (target 1: the gateway's own first read when it starts), ${uncached} when it does not.`,
    `A bare Node relay (no JSON, no MCP: bench/peers/bare-http-relay.ts) on the gateway's core: ${ratioFloor.toFixed(2)}× (per round: ${ratiosFloor.map((r) => `${r.toFixed(2)}×`).join(', ')}).`,
    'Upstream pinned to CPU 1; wrk and the gateway share CPU 0.',
  ],
});
