/**
 * Latency at a fixed offered rate (open loop, measured from each request's intended send time, so
 * queueing shows instead of hiding): `tools/call` over HTTP to erlmcp (2025 session and 2026) and the
 * SDK v1 peer, driven by `erlmcp bench`'s code path (the erlmcp client). Usage:
 * node dist/bench/rate-latency.js [--rate 1000] [--seconds 5] [--quick] [--json file]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench } from '../src/cli/bench.js';
import { formatCpu, startCpuWindow } from './lib/cpu.js';
import { writeResult } from './lib/results.js';
import { startServer } from './lib/spawn-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const rate = Number(values.rate);
const seconds = values.quick ? 2 : Number(values.seconds);

const targets = [
  { name: 'erlmcp (client negotiates 2026)', script: 'peers/erlmcp-http-server.js' },
  { name: 'SDK v1 2025 session', script: 'peers/sdk-v1-http-server.js' },
];

console.log(
  `fixed offered rate: ${rate} tools/call per second for ${seconds} s, latency from the intended send time`,
);
const rows = [];
for (const target of targets) {
  const server = await startServer(join(here, target.script));
  try {
    await runBench({
      target: server.url,
      tool: 'echo',
      args: { message: 'warm' },
      rate,
      durationSeconds: 1,
      write: () => {},
    });
    const cpu = startCpuWindow(server.pid);
    const report = await runBench({
      target: server.url,
      tool: 'echo',
      args: { message: 'hello' },
      rate,
      durationSeconds: seconds,
      write: () => {},
    });
    const window = cpu.stop();
    rows.push({ name: target.name, ...report, generatorCpu: window.self, serverCpu: window.server });
    console.log(
      `  ${target.name.padEnd(34)} p50 ${report.p50.toFixed(2)} ms  p90 ${report.p90.toFixed(2)} ms  p99 ${report.p99.toFixed(2)} ms  max ${report.max.toFixed(2)} ms  errors ${report.errors}  generator CPU ${formatCpu(window.self)}  server CPU ${formatCpu(window.server)}`,
    );
  } finally {
    await server.stop();
  }
}
console.log("load generator: erlmcp's own client code path (erlmcp bench), in this process");

writeResult(values.json, {
  scenario: `HTTP tools/call at ${rate}/s (open loop)`,
  unit: 'p99 ms',
  generator: "erlmcp's own client code path (`erlmcp bench`, runBench) in the benchmark process",
  targets: rows.map((row) => ({
    name: row.name,
    median: row.p99,
    p50Ms: row.p50,
    p99Ms: row.p99,
    generatorCpu: row.generatorCpu,
    serverCpu: row.serverCpu,
  })),
  ratio: {
    label: 'SDK v1 p99 / erlmcp p99',
    value: (rows[1]?.p99 ?? Number.NaN) / (rows[0]?.p99 ?? Number.NaN),
  },
});
