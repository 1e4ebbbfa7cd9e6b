/**
 * `npm run bench [-- --quick]`: every scenario in turn (stdio, HTTP), each running erlmcp and its peers
 * in the same run; writes bench/results/<date>.json, a Markdown table and an SVG chart beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChartScenario, renderChart } from './lib/chart.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const scenarios: { script: string; args: string[] }[] = [
  { script: 'stdio-tools-call.js', args: [] },
  { script: 'http-tools-call.js', args: [] },
  { script: 'rate-latency.js', args: [] },
];
const started = Date.now();
const results: (ChartScenario & Record<string, unknown>)[] = [];
for (const scenario of scenarios) {
  const out = join(tmpdir(), `erlmcp-bench-${process.pid}-${scenario.script}.json`);
  const run = spawnSync(
    process.execPath,
    [join(here, scenario.script), ...scenario.args, ...(quick ? ['--quick'] : []), '--json', out],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) {
    console.error(`${scenario.script} failed (exit ${run.status})`);
    process.exitCode = 1;
    continue;
  }
  results.push(JSON.parse(readFileSync(out, 'utf8')));
  rmSync(out, { force: true });
}
const seconds = (Date.now() - started) / 1000;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const dir = join(here, '../../bench/results');
mkdirSync(dir, { recursive: true });
const base = join(dir, `${date}${quick ? '-quick' : ''}`);
writeFileSync(`${base}.json`, JSON.stringify({ date, quick, seconds, machine, scenarios: results }, null, 2));
const table = results
  .map((scenario) => {
    const rows = scenario.targets.map(
      (t) =>
        `| ${t.name} | ${Math.round(t.median).toLocaleString('en-US')} |${t.p99Ms === undefined ? '' : ` ${t.p99Ms.toFixed(2)} ms |`}`,
    );
    const head = scenario.targets.some((t) => t.p99Ms !== undefined)
      ? `| target | ${scenario.unit} | p99 |\n| --- | ---: | ---: |`
      : `| target | ${scenario.unit} |\n| --- | ---: |`;
    const ratio = scenario.ratio as { label: string; value: number };
    return `### ${scenario.scenario}\n\n${head}\n${rows.join('\n')}\n\n${ratio.label}: ${ratio.value.toFixed(2)}×\n`;
  })
  .join('\n');
writeFileSync(
  `${base}.md`,
  `# Benchmark ${date}${quick ? ' (quick)' : ''}\n\n${machine}; ${seconds.toFixed(0)} s.\n\n${table}`,
);
writeFileSync(`${base}.svg`, renderChart(results));
console.log(`\n${table}\nwrote ${base}.json, .md and .svg (${seconds.toFixed(0)} s)`);
