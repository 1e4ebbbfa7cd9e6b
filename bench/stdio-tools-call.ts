/**
 * stdio benchmark: pipelined `tools/call` round trips against erlmcp (both eras), the official SDK v1
 * stdio server, and a raw JSON-RPC loop (the ceiling), in the same run, several rounds, medians and
 * the per-round ratio. Usage: node dist/bench/stdio-tools-call.js [--messages N] [--rounds R]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpu } from './lib/cpu.js';
import { medianCpu, writeResult } from './lib/results.js';
import { formatRate, median } from './lib/stats.js';
import { type LoadResult, runStdioLoad, type StdioTarget } from './lib/stdio-load.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    window: { type: 'string', default: '1000' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const total = values.quick ? 20_000 : Number(values.messages);
const rounds = values.quick ? 2 : Number(values.rounds);
const window = Number(values.window);

const node = process.execPath;
const cli = join(here, '../src/cli/main.js');
// The everything example with runtime limits lifted (a pipelined load is not admission control).
const example = join(here, 'peers/erlmcp-bench-server.js');
const targets: StdioTarget[] = [
  {
    name: 'erlmcp (2025-11-25 session)',
    command: node,
    args: [cli, 'serve', example, '--transport', 'stdio'],
    era: 'legacy',
  },
  {
    name: 'erlmcp (2026-07-28 stateless)',
    command: node,
    args: [cli, 'serve', example, '--transport', 'stdio'],
    era: 'modern',
  },
  {
    name: '@modelcontextprotocol/sdk v1',
    command: node,
    args: [join(here, 'peers/sdk-v1-stdio-server.js')],
    era: 'legacy',
  },
  {
    name: 'raw JSON-RPC loop (ceiling)',
    command: node,
    args: [join(here, 'peers/raw-stdio-server.js')],
    era: 'legacy',
  },
];

console.log(
  `stdio tools/call: ${total.toLocaleString('en-US')} pipelined requests (window ${window}), ${rounds} rounds, Node ${process.version}`,
);
// Warm-up: one short run each so JIT and page cache do not favour whoever runs second.
for (const target of targets) await runStdioLoad(target, Math.min(5_000, total), window);

const rates = new Map<string, number[]>(targets.map((target) => [target.name, []]));
const runs = new Map<string, LoadResult[]>(targets.map((target) => [target.name, []]));
const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  const roundRates: Record<string, number> = {};
  for (const target of targets) {
    const result = await runStdioLoad(target, total, window);
    if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} error responses`);
    roundRates[target.name] = result.rate;
    rates.get(target.name)!.push(result.rate);
    runs.get(target.name)!.push(result);
  }
  const ratio = roundRates[targets[0]!.name]! / roundRates[targets[2]!.name]!;
  ratios.push(ratio);
  console.log(
    `round ${round}: ${targets.map((t) => `${t.name} ${formatRate(roundRates[t.name]!)}`).join(' | ')} | erlmcp/sdk ${ratio.toFixed(2)}x`,
  );
  for (const target of targets) {
    const last = runs.get(target.name)!.at(-1)!;
    console.log(
      `  ${target.name.padEnd(34)} generator CPU ${formatCpu(last.generatorCpu)}  server CPU ${formatCpu(last.serverCpu)}`,
    );
  }
}
console.log('\nmedians:');
for (const target of targets)
  console.log(`  ${target.name.padEnd(34)} ${formatRate(median(rates.get(target.name)!))}`);
const sdk = median(rates.get(targets[2]!.name)!);
const raw = median(rates.get(targets[3]!.name)!);
for (const target of targets.slice(0, 2)) {
  const rate = median(rates.get(target.name)!);
  console.log(
    `  ${target.name}: ${(rate / sdk).toFixed(2)}x the SDK, ${((rate / raw) * 100).toFixed(0)}% of the raw loop`,
  );
}
console.log(`  median per-round ratio erlmcp(2025)/sdk: ${median(ratios).toFixed(2)}x (target >= 3x)`);

console.log(
  'load generator: lean ndjson generator in this process (bench/lib/stdio-load.ts), not the erlmcp client',
);

writeResult(values.json, {
  scenario: 'stdio tools/call (pipelined)',
  unit: 'msg/s',
  generator:
    'lean purpose-built ndjson generator in the benchmark process (bench/lib/stdio-load.ts), not the erlmcp client',
  targets: targets.map((target) => ({
    name: target.name,
    median: median(rates.get(target.name)!),
    rounds: rates.get(target.name)!,
    generatorCpu: medianCpu(runs.get(target.name)!.map((r) => r.generatorCpu)),
    serverCpu: medianCpu(runs.get(target.name)!.map((r) => r.serverCpu)),
  })),
  ratio: { label: 'erlmcp 2025 / SDK v1 (median per round)', value: median(ratios), rounds: ratios },
});
