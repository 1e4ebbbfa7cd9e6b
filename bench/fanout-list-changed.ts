/**
 * list_changed fan-out: time from one tool-registry change until all N (10K) 2025-11-25 sessions have
 * received `notifications/tools/list_changed`, erlmcp vs SDK v1, each over its in-memory linked
 * pairs with a lean counting receiver per session, each target in its own process (fanout-probe),
 * a warm-up change, then several rounds.
 * Usage: node dist/bench/fanout-list-changed.js [--sessions 10000] [--rounds 5] [--quick] [--json file]
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { writeResult } from './lib/results.js';
import { median } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const sessions = Number(values.sessions);
const rounds = values.quick ? 3 : Number(values.rounds);
const targets = [
  { name: 'erlmcp (one server, memory pairs)', id: 'erlmcp' },
  { name: 'SDK v1 (a server per session, InMemoryTransport)', id: 'sdk-v1' },
];

interface Probe {
  setupSeconds: number;
  rounds: number[];
  heapUsed: number;
}

console.log(
  `tools/list_changed fan-out to ${sessions.toLocaleString('en-US')} sessions (in-memory linked pairs, lean counting receivers), ${rounds} round(s) after a warm-up`,
);
const probes: Probe[] = [];
for (const target of targets) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(here, 'fanout-probe.js'),
      '--target',
      target.id,
      '--sessions',
      String(sessions),
      '--rounds',
      String(rounds),
    ],
    { maxBuffer: 1 << 20 },
  );
  const probe = JSON.parse(stdout) as Probe;
  probes.push(probe);
  console.log(
    `  ${target.name.padEnd(50)} ${probe.rounds.map((ms) => `${ms.toFixed(1)} ms`).join(', ')}  (set-up of the sessions ${probe.setupSeconds.toFixed(1)} s, heap ${(probe.heapUsed / 2 ** 20).toFixed(0)} MiB)`,
  );
}
const ratios = probes[0]!.rounds.map((ms, i) => probes[1]!.rounds[i]! / ms);
console.log(`median SDK v1 / erlmcp time per round: ${median(ratios).toFixed(2)}x (higher = erlmcp faster)`);

writeResult(values.json, {
  scenario: `tools/list_changed fan-out to ${sessions.toLocaleString('en-US')} sessions (lower is better)`,
  unit: 'ms until all received',
  generator:
    'in-process: the registry change is made in the server process and lean per-session receivers (not the erlmcp client) count the notifications over in-memory linked pairs',
  targets: targets.map((target, i) => ({
    name: target.name,
    median: median(probes[i]!.rounds),
    rounds: probes[i]!.rounds,
    extra: {
      'session set-up': `${probes[i]!.setupSeconds.toFixed(1)} s`,
      heap: `${(probes[i]!.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    },
  })),
  ratio: { label: 'SDK v1 time / erlmcp time (median per round)', value: median(ratios), rounds: ratios },
  notes: [
    "Transport: erlmcp's in-memory linked pair (src/transports/memory; asynchronous, a JSON copy per message) and SDK v1's InMemoryTransport, whose receiver here copies each message through JSON so both pay the same wire cost. No sockets: the figure is the server's fan-out work, not the kernel's.",
    'SDK v1 has no shared registry: each session has its own McpServer, so the change is the same tool registered on (or removed from) all of them, as an SDK v1 application must do.',
  ],
});
