/**
 * `npm run bench [-- --quick]`: every scenario in turn, each running erlmcp and its peers in the
 * same run; writes bench/results/<date>[-quick].json, a Markdown table and an SVG chart beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart } from './lib/chart.js';
import { markdownSection } from './lib/report.js';
import type { ScenarioResult } from './lib/results.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const scenarios: { script: string; nodeArgs?: string[] }[] = [
  { script: 'stdio-tools-call.js' },
  { script: 'http-tools-call.js' },
  { script: 'observability-overhead.js' },
  { script: 'auth-overhead.js' },
  { script: 'gateway.js' },
  { script: 'scale-redis.js' },
  { script: 'rate-latency.js' },
  { script: 'session-setup.js' },
  { script: 'resource-read.js' },
  { script: 'idle-sessions.js' },
  { script: 'fanout-list-changed.js' },
  { script: 'memory-flat.js', nodeArgs: ['--expose-gc'] },
  { script: 'overload.js' },
  { script: 'socket-tools-call.js' },
  { script: 'idle-websockets.js' },
];
// Several scenarios drive HTTP with wrk, scale-redis starts its own redis-server: say what is
// missing before running anything, not minutes in.
if (spawnSync('wrk', ['--version']).error) {
  console.error(
    'npm run bench needs wrk, the HTTP load generator (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk).',
  );
  process.exit(2);
}
if (spawnSync('redis-server', ['--version']).error) {
  console.error(
    'npm run bench needs redis-server for the scale-out scenario (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis); it starts its own on a free port.',
  );
  process.exit(2);
}
const started = Date.now();
const results: ScenarioResult[] = [];
const failed: string[] = [];
for (const scenario of scenarios) {
  const out = join(tmpdir(), `erlmcp-bench-${process.pid}-${scenario.script}.json`);
  const scenarioStarted = Date.now();
  const run = spawnSync(
    process.execPath,
    [...(scenario.nodeArgs ?? []), join(here, scenario.script), ...(quick ? ['--quick'] : []), '--json', out],
    { stdio: 'inherit' },
  );
  console.log(`(${scenario.script}: ${((Date.now() - scenarioStarted) / 1000).toFixed(0)} s)\n`);
  if (run.status !== 0) {
    console.error(`${scenario.script} failed (exit ${run.status})`);
    failed.push(scenario.script);
    process.exitCode = 1;
    continue;
  }
  results.push(JSON.parse(readFileSync(out, 'utf8')) as ScenarioResult);
  rmSync(out, { force: true });
}
const seconds = (Date.now() - started) / 1000;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const dir = join(here, '../../bench/results');
mkdirSync(dir, { recursive: true });
const base = join(dir, `${date}${quick ? '-quick' : ''}`);
writeFileSync(
  `${base}.json`,
  JSON.stringify({ date, quick, seconds, machine, failed, scenarios: results }, null, 2),
);
const sections = results.map(markdownSection).join('\n');
const failures = failed.length ? `\n**Failed:** ${failed.join(', ')}\n` : '';
writeFileSync(
  `${base}.md`,
  `# Benchmark ${date}${quick ? ' (quick)' : ''}\n\n${machine}; ${seconds.toFixed(0)} s.\n${failures}\n${sections}`,
);
writeFileSync(`${base}.svg`, renderChart(results));
console.log(`\n${sections}${failures}\nwrote ${base}.json, .md and .svg (${seconds.toFixed(0)} s)`);
