/**
 * What observability costs on the hot path: `tools/call` (2026 stateless, `echo`) over HTTP against
 * erlmcp with every observability part off, with Prometheus metrics only (serveHttp's default), and
 * with metrics + OpenTelemetry tracing + request logs on (full runs: tracing alone, logs alone too). Same process layout and load for each;
 * several rounds with the configurations interleaved, medians and the all-on / off ratio.
 * Load from wrk (one thread, 32 connections). Target: all on ≤ 10% below off.
 * Usage: node dist/bench/observability-overhead.js [--seconds 5] [--rounds 3] [--quick]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpu } from './lib/cpu.js';
import { ACCEPT } from './lib/http-session.js';
import { writeResult, wrkTargetResult } from './lib/results.js';
import { startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const seconds = values.quick ? 2 : Number(values.seconds);
const rounds = values.quick ? 1 : Number(values.rounds);
const connections = 32;
const OFF = 'observability off';
const METRICS = 'metrics on (default)';
const ALL = 'metrics + tracing + logs';

// Full runs also measure tracing and logs alone, to tell which part costs what.
const targets = [
  { name: OFF, flags: [] },
  { name: METRICS, flags: ['--metrics'] },
  ...(values.quick
    ? []
    : [
        { name: 'tracing only', flags: ['--tracing'] },
        { name: 'request logs only', flags: ['--logging'] },
      ]),
  { name: ALL, flags: ['--metrics', '--tracing', '--logging'] },
];

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
};

function load(url: string, serverPid: number, runSeconds = seconds): Promise<WrkResult> {
  const headers = {
    ...ACCEPT,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': 'echo',
  };
  const params = JSON.stringify({ name: 'echo', arguments: { message: 'hello' }, _meta: META });
  return runWrk(url, headers, '{"jsonrpc":"2.0","id":', `,"method":"tools/call","params":${params}}`, {
    connections,
    seconds: runSeconds,
    serverPid,
  });
}

/** The exporter must have seen the load: a scrape's tools/call count is at least what wrk sent. */
async function scrapedCalls(url: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  let total = 0;
  for (const match of text.matchAll(/^erlmcp_requests_total\{[^}]*method="tools\/call"[^}]*\} (\d+)/gm))
    total += Number(match[1]);
  return total;
}

console.log(
  `Observability overhead, HTTP tools/call: wrk -t1 -c${connections}, ${seconds}s per run, ${rounds} round(s), Node ${process.version}`,
);
console.log(
  'parts: metrics (prom-client exporter), tracing (enableTracing, OTel SDK, batched, dropped), logs (enableRequestLogs, pino to /dev/null)',
);
const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const rates: Record<string, number> = {};
  for (const target of targets) {
    const server = await startServer(join(here, 'peers/erlmcp-observability-server.js'), target.flags);
    try {
      await load(server.url, server.pid, values.quick ? 1 : seconds); // warm-up run, discarded
      const result = await load(server.url, server.pid);
      if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} non-2xx responses`);
      if (target.flags.includes('--metrics') && (await scrapedCalls(server.url)) < result.requests) {
        throw new Error(`${target.name}: /metrics counted fewer calls than wrk sent`);
      }
      results.get(target.name)!.push(result);
      rates[target.name] = result.requestsPerSecond;
      console.log(
        `round ${round}: ${target.name.padEnd(26)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(result.generatorCpu)}  server CPU ${formatCpu(result.serverCpu)}`,
      );
    } finally {
      await server.stop();
    }
  }
  ratios.push(rates[ALL]! / rates[OFF]!);
}
const med = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
const off = med(OFF);
console.log('\nmedians:');
for (const target of targets) {
  const rps = med(target.name);
  const change = target.name === OFF ? '' : `  ${(((rps - off) / off) * 100).toFixed(1)}% vs off`;
  const p99 = median(results.get(target.name)!.map((r) => r.p99Ms));
  console.log(
    `  ${target.name.padEnd(26)} ${Math.round(rps).toLocaleString('en-US').padStart(8)} req/s  p99 ${p99.toFixed(2)} ms${change}`,
  );
}
console.log(`all on / off: ${median(ratios).toFixed(3)} (median of rounds); target >= 0.90`);

writeResult(values.json, {
  scenario: 'Observability overhead, HTTP tools/call (wrk -t1 -c32)',
  unit: 'req/s',
  generator: 'wrk (lean purpose-built, C, one thread), not the erlmcp client',
  targets: targets.map((target) => wrkTargetResult(`erlmcp, ${target.name}`, results.get(target.name)!)),
  ratio: { label: 'all on / off', value: median(ratios), rounds: ratios },
  notes: ['target: all on >= 0.90 of off (at most 10% lower)'],
});
