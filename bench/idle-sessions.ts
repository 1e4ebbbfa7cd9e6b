/**
 * Memory per idle 2025-11-25 session at 1K, 10K and 100K sessions, erlmcp vs SDK v1: each
 * (target, count) is measured in a fresh `node --expose-gc` process (idle-session-probe) that opens
 * the sessions through an in-process Streamable HTTP handler (no sockets, so only session state
 * counts) after a warm-up, and reports heap and RSS growth per session after forced GC.
 * Usage: node dist/bench/idle-sessions.js [1000 10000 100000] [--rounds 3] [--sdk-max 10000] [--quick] [--json file]
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { writeResult } from './lib/results.js';
import { median } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    // SDK v1 keeps a McpServer per session (~32 KB heap, ~1K sessions/s): 100K of them take minutes
    // and gigabytes, so by default it runs at 1K and 10K only.
    'sdk-max': { type: 'string', default: '10000' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
// Quick mode stops at 10K: 100K erlmcp sessions alone take most of a quick run's budget.
const counts = positionals.length
  ? positionals.map(Number)
  : values.quick
    ? [1_000, 10_000]
    : [1_000, 10_000, 100_000];
const rounds = values.quick ? 1 : Number(values.rounds);
const sdkMax = Number(values['sdk-max']);
const targets = [
  { id: 'erlmcp', name: 'erlmcp' },
  { id: 'sdk-v1', name: 'SDK v1' },
];

interface Probe {
  heapPerSession: number;
  rssPerSession: number;
  setupPerSecond: number;
}

async function probe(target: string, count: number): Promise<Probe> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', join(here, 'idle-session-probe.js'), '--target', target, '--count', String(count)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as Probe;
}

const label = (count: number) => (count >= 1000 ? `${count / 1000}K` : String(count));
console.log(
  `idle 2025-11-25 sessions: heap and RSS growth per session after forced GC, fresh process per measurement, ${rounds} round(s); sessions opened in-process (no sockets, no load generator)`,
);
const results = new Map<string, Probe[]>();
const skipped: string[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const count of counts) {
    for (const target of targets) {
      const key = `${target.name} @ ${label(count)}`;
      if (target.id === 'sdk-v1' && count > sdkMax) {
        if (round === 1) skipped.push(key);
        continue;
      }
      const result = await probe(target.id, count);
      results.set(key, [...(results.get(key) ?? []), result]);
      console.log(
        `round ${round}: ${key.padEnd(16)} heap ${Math.round(result.heapPerSession).toLocaleString('en-US').padStart(7)} B/session  RSS ${Math.round(result.rssPerSession).toLocaleString('en-US').padStart(7)} B/session  set-up ${Math.round(result.setupPerSecond).toLocaleString('en-US')} sessions/s`,
      );
    }
  }
}
if (skipped.length)
  console.log(`not run: ${skipped.join(', ')} (SDK v1 above --sdk-max ${sdkMax}: too slow and too large)`);

const largestShared = Math.max(...counts.filter((count) => count <= sdkMax));
const erlmcpRounds = results.get(`erlmcp @ ${label(largestShared)}`)?.map((r) => r.heapPerSession) ?? [];
const sdkRounds = results.get(`SDK v1 @ ${label(largestShared)}`)?.map((r) => r.heapPerSession) ?? [];
const ratios = erlmcpRounds.map((heap, i) => (sdkRounds[i] ?? Number.NaN) / heap);
if (ratios.length)
  console.log(`SDK v1 / erlmcp heap per session at ${label(largestShared)}: ${median(ratios).toFixed(1)}x`);

writeResult(values.json, {
  scenario: 'Heap per idle 2025-11-25 session (lower is better)',
  unit: 'heap B/session',
  generator: 'none: sessions are opened in-process through the Fetch-style handler, no sockets',
  targets: [...results].map(([name, list]) => ({
    name,
    median: median(list.map((r) => r.heapPerSession)),
    rounds: list.map((r) => r.heapPerSession),
    extra: {
      'RSS B/session': Math.round(median(list.map((r) => r.rssPerSession))).toLocaleString('en-US'),
      'set-up sessions/s': Math.round(median(list.map((r) => r.setupPerSecond))).toLocaleString('en-US'),
    },
  })),
  ratio: {
    label: `SDK v1 / erlmcp heap per session at ${label(largestShared)}`,
    value: median(ratios),
    rounds: ratios,
  },
  notes: [
    'Each figure is (heap after GC with N sessions − heap after GC before them) / N, in a fresh process after 500 warm-up sessions. RSS per session is noisier (allocator pages).',
    'erlmcp: one shared everything server, fetchHandler. SDK v1: WebStandardStreamableHTTPServerTransport (the core of its Node transport) with a McpServer per session, as the SDK requires, registering only `echo`.',
    ...(skipped.length
      ? [
          `Not run: ${skipped.join(', ')} — SDK v1 is limited to ${label(sdkMax)} sessions (~32 KB each, ~1K sessions/s; 100K would take minutes and gigabytes); pass --sdk-max 100000 to run it.`,
        ]
      : []),
  ],
});
