/**
 * 1 MiB `resources/read` round trips over HTTP: erlmcp vs SDK v1, both a 2025-11-25 session answering
 * JSON, same text resource (bench://big). Load from wrk (lean, C), warm-up, several rounds.
 * Usage: node dist/bench/resource-read.js [--seconds 5] [--rounds 3] [--bytes 1048576] [--quick]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BIG_RESOURCE_URI } from './lib/big-text.js';
import { formatCpu } from './lib/cpu.js';
import { openSession } from './lib/http-session.js';
import { medianCpu, writeResult } from './lib/results.js';
import { startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    bytes: { type: 'string', default: String(1024 * 1024) },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const seconds = values.quick ? 2 : Number(values.seconds);
const rounds = values.quick ? 1 : Number(values.rounds);
const bytes = Number(values.bytes);
// Few connections: each response is a megabyte, a deep queue would only add latency.
const connections = 8;

const targets = [
  { name: 'erlmcp 2025 session, JSON', script: 'peers/erlmcp-http-server.js', args: ['--mode', 'json'] },
  { name: 'SDK v1 2025 session, JSON', script: 'peers/sdk-v1-http-server.js', args: [] },
];
const params = JSON.stringify({ uri: BIG_RESOURCE_URI });

async function load(url: string, pid: number): Promise<WrkResult> {
  const headers = await openSession(url);
  return runWrk(url, headers, '{"jsonrpc":"2.0","id":', `,"method":"resources/read","params":${params}}`, {
    connections,
    seconds,
    serverPid: pid,
  });
}

async function checkSize(url: string): Promise<number> {
  const headers = await openSession(url);
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: `{"jsonrpc":"2.0","id":1,"method":"resources/read","params":${params}}`,
  });
  const body = (await response.json()) as { result?: { contents?: { text?: string }[] } };
  return body.result?.contents?.[0]?.text?.length ?? 0;
}

console.log(
  `resources/read of ${bytes.toLocaleString('en-US')} bytes over HTTP: wrk -t1 -c${connections}, ${seconds}s per run, ${rounds} round(s); load generator wrk (lean, not the erlmcp client)`,
);
const runs = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const rates: number[] = [];
  for (const target of targets) {
    const server = await startServer(join(here, target.script), [
      ...target.args,
      '--resource-bytes',
      String(bytes),
    ]);
    try {
      const size = await checkSize(server.url);
      if (size !== bytes) throw new Error(`${target.name}: read ${size} bytes, expected ${bytes}`);
      await load(server.url, server.pid); // warm-up, discarded
      const run = await load(server.url, server.pid);
      if (run.errors > 0) throw new Error(`${target.name}: ${run.errors} non-2xx responses`);
      runs.get(target.name)!.push(run);
      rates.push(run.requestsPerSecond);
      console.log(
        `round ${round}: ${target.name.padEnd(28)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(run.generatorCpu)}  server CPU ${formatCpu(run.serverCpu)}`,
      );
    } finally {
      await server.stop();
    }
  }
  ratios.push(rates[0]! / rates[1]!);
}
console.log(`median erlmcp / SDK v1 per round: ${median(ratios).toFixed(2)}x`);

writeResult(values.json, {
  scenario: `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 ? 2 : 0)} MiB resources/read over HTTP (wrk -t1 -c${connections})`,
  unit: 'req/s',
  generator: 'wrk (lean purpose-built, C, one thread), not the erlmcp client',
  targets: targets.map((target) => {
    const list = runs.get(target.name)!;
    return {
      name: target.name,
      median: median(list.map((r) => r.requestsPerSecond)),
      p50Ms: median(list.map((r) => r.p50Ms)),
      p99Ms: median(list.map((r) => r.p99Ms)),
      rounds: list.map((r) => r.requestsPerSecond),
      extra: { 'MiB/s': ((median(list.map((r) => r.requestsPerSecond)) * bytes) / 2 ** 20).toFixed(0) },
      generatorCpu: medianCpu(list.map((r) => r.generatorCpu)),
      serverCpu: medianCpu(list.map((r) => r.serverCpu)),
    };
  }),
  ratio: { label: 'erlmcp / SDK v1 (median per round)', value: median(ratios), rounds: ratios },
});
