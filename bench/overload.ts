/**
 * Overload: each server's capacity is measured first (wrk, closed loop), then it is offered 10x that
 * rate open-loop for a while. Reported: admitted throughput, admitted p50/p99 (from the intended send
 * time), the shed fraction (503/429), failures (errors, timeouts, still pending 10 s after the last
 * send), and the server's peak RSS. Work is a CPU-bound tool (`burn`, 10 ms busy loop), 2026-era
 * stateless requests for erlmcp (default limits: shedding on event-loop delay > 250 ms only; and tuned
 * for a dedicated server: utilisation > 90% or delay > 50 ms), SDK v1 stateless (it has no shedding).
 * Usage: node dist/bench/overload.js [--seconds 6] [--factor 10] [--quick] [--json file]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpu, startCpuWindow } from './lib/cpu.js';
import { openLoop } from './lib/open-loop.js';
import { type TargetResult, writeResult } from './lib/results.js';
import { startServer } from './lib/spawn-server.js';
import { runWrk } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    factor: { type: 'string', default: '10' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const seconds = values.quick ? 3 : Number(values.seconds);
const factor = Number(values.factor);
const BURN_MS = 10;
const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'burn',
};
const META = JSON.stringify({
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
});
// The SDK v1 stateless peer speaks 2025-11-25 only; it ignores the 2026 `_meta` and headers.
const SDK_HEADERS = { ...HEADERS, 'mcp-protocol-version': '2025-11-25' };
const bodyBefore = '{"jsonrpc":"2.0","id":';
const bodyAfter = `,"method":"tools/call","params":{"name":"burn","arguments":{"ms":${BURN_MS}},"_meta":${META}}}`;

const targets = [
  { name: 'erlmcp (default limits)', args: ['--target', 'erlmcp'], headers: HEADERS },
  {
    name: 'erlmcp (utilisation 0.9, delay 50 ms)',
    args: ['--target', 'erlmcp', '--max-delay', '50', '--max-utilization', '0.9'],
    headers: HEADERS,
  },
  { name: 'SDK v1 (stateless)', args: ['--target', 'sdk-v1'], headers: SDK_HEADERS },
];

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

console.log(
  `overload: ${factor}x each server's measured capacity, ${seconds} s open loop, tool burns ${BURN_MS} ms CPU`,
);
const rows: TargetResult[] = [];
for (const target of targets) {
  // Capacity is measured with shedding off (a shedding server answers a saturating closed loop
  // partly with 503s), counting successes only.
  const unlimited = await startServer(join(here, 'peers/overload-servers.js'), [
    ...target.args,
    '--max-delay',
    '0',
  ]);
  let served: number;
  try {
    const capacity = await runWrk(unlimited.url, target.headers, bodyBefore, bodyAfter, {
      connections: 8,
      seconds: 2,
      serverPid: unlimited.pid,
    });
    served = capacity.requestsPerSecond * (1 - capacity.errors / Math.max(1, capacity.requests));
  } finally {
    await unlimited.stop();
  }
  const server = await startServer(join(here, 'peers/overload-servers.js'), target.args);
  try {
    const rate = Math.round(served * factor);
    const cpu = startCpuWindow(server.pid);
    const result = await openLoop({
      url: server.url,
      headers: target.headers,
      body: (i) => `${bodyBefore}${i + 1}${bodyAfter}`,
      rate,
      seconds,
    });
    const window = cpu.stop();
    const sorted = result.admittedLatencies.sort((a, b) => a - b);
    const admittedPerSecond = result.admitted / result.admittedWindowSeconds;
    const shedFraction = result.shed / result.offered;
    const row: TargetResult = {
      name: target.name,
      median: admittedPerSecond,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      generatorCpu: window.self,
      serverCpu: window.server,
      extra: {
        capacity: `${Math.round(served)}/s`,
        offered: `${rate}/s`,
        shed: `${(shedFraction * 100).toFixed(1)}%`,
        failed: String(result.failed),
        'peak RSS': `${peakRssMiB(server.pid).toFixed(0)} MiB`,
      },
    };
    rows.push(row);
    console.log(
      `  ${target.name.padEnd(26)} capacity ${Math.round(served)}/s  offered ${rate}/s  admitted ${Math.round(admittedPerSecond)}/s  p50 ${row.p50Ms?.toFixed(1)} ms  p99 ${row.p99Ms?.toFixed(1)} ms  shed ${(shedFraction * 100).toFixed(1)}%  failed ${result.failed}  peak RSS ${row.extra?.['peak RSS']}  generator CPU ${formatCpu(window.self)}  server CPU ${formatCpu(window.server)}`,
    );
  } finally {
    await server.stop();
  }
}
const [, tuned, sdk] = rows as [TargetResult, TargetResult, TargetResult];
writeResult(values.json, {
  scenario: `Overload: ${factor}x capacity, CPU-bound tool (open loop)`,
  unit: 'admitted req/s',
  generator: 'lean purpose-built open-loop node:http generator (capacity measured with wrk)',
  targets: rows,
  ratio: {
    label: 'SDK v1 admitted p99 / erlmcp (tuned) admitted p99',
    value: (sdk.p99Ms ?? 0) / (tuned.p99Ms ?? 1),
  },
  notes: [
    'erlmcp refuses with 503 + Retry-After when the loop is blocked past maxEventLoopDelayMs or utilisation passes maxEventLoopUtilization (AIMD admission); the SDK queues everything.',
    'Default limits only shed on a blocked loop (utilisation shedding is opt-in), so a CPU-saturated server with short turns still queues: the tuned row is the configuration for a dedicated server.',
    'Admitted req/s is over the window from the first send to the last admitted answer; latency is from the intended send time.',
  ],
});
