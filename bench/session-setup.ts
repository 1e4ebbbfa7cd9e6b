/**
 * Session set-up rate: 2025-11-25 sessions (initialize, then notifications/initialized) per second
 * over Streamable HTTP, erlmcp vs SDK v1 and SDK v2 sessionful transports, in the same run, after a
 * warm-up, several rounds. Load from wrk with a Lua script that pairs each initialize answer with the
 * notification of its session (lean, C), so the generator is not the bottleneck.
 * Usage: node dist/bench/session-setup.js [--seconds 5] [--rounds 3] [--quick] [--json file]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpu } from './lib/cpu.js';
import { medianCpu, writeResult } from './lib/results.js';
import { sessionCounts, sessionSetupLua } from './lib/session-lua.js';
import { startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrkScript, type WrkResult } from './lib/wrk.js';

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

const targets = [
  { name: 'erlmcp 2025 session, JSON', script: 'peers/erlmcp-http-server.js', args: ['--mode', 'json'] },
  { name: 'SDK v1 StreamableHTTPServerTransport', script: 'peers/sdk-v1-http-server.js', args: [] },
  {
    name: 'SDK v2 NodeStreamableHTTPServerTransport',
    script: 'peers/sdk-v2-session-http-server.js',
    args: [],
  },
];

interface Run extends WrkResult {
  sessionsPerSecond: number;
}

async function load(url: string, pid: number): Promise<Run> {
  const result = await runWrkScript(url, sessionSetupLua(), { connections, seconds, serverPid: pid });
  const counts = sessionCounts(result.stdout);
  return { ...result, sessionsPerSecond: counts.sessions / counts.seconds };
}

console.log(
  `2025 session set-up over HTTP: wrk -t1 -c${connections}, ${seconds}s per run, ${rounds} round(s); load generator wrk + Lua (lean, not the erlmcp client)`,
);
const runs = new Map<string, Run[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const rates: number[] = [];
  for (const target of targets) {
    const server = await startServer(join(here, target.script), target.args);
    try {
      await load(server.url, server.pid); // warm-up, discarded
      const run = await load(server.url, server.pid);
      if (run.errors > 0) throw new Error(`${target.name}: ${run.errors} non-2xx responses`);
      runs.get(target.name)!.push(run);
      rates.push(run.sessionsPerSecond);
      console.log(
        `round ${round}: ${target.name.padEnd(42)} ${Math.round(run.sessionsPerSecond).toLocaleString('en-US').padStart(7)} sessions/s  p99 ${run.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(run.generatorCpu)}  server CPU ${formatCpu(run.serverCpu)}`,
      );
    } finally {
      await server.stop();
    }
  }
  ratios.push(rates[0]! / Math.max(rates[1]!, rates[2]!));
}
const med = (name: string) => median(runs.get(name)!.map((r) => r.sessionsPerSecond));
console.log(`median erlmcp / best SDK per round: ${median(ratios).toFixed(2)}x`);

writeResult(values.json, {
  scenario: '2025-11-25 session set-up over HTTP (initialize + initialized)',
  unit: 'sessions/s',
  generator:
    'wrk + Lua pairing each initialize with its notifications/initialized (lean purpose-built, C), not the erlmcp client',
  targets: targets.map((target) => {
    const list = runs.get(target.name)!;
    return {
      name: target.name,
      median: med(target.name),
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
      rounds: list.map((r) => r.sessionsPerSecond),
      generatorCpu: medianCpu(list.map((r) => r.generatorCpu)),
      serverCpu: medianCpu(list.map((r) => r.serverCpu)),
    };
  }),
  ratio: { label: 'erlmcp / best SDK (median per round)', value: median(ratios), rounds: ratios },
  notes: ['p50/p99 are per HTTP request (an initialize or an initialized notification), not per session.'],
});
