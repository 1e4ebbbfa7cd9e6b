/**
 * Latency at a fixed offered rate (open loop, measured from each request's intended send time, so
 * queueing shows instead of hiding): `tools/call` over HTTP to erlmcp (2025 session and 2026) and the
 * SDK v1 peer, driven by `erlmcp bench`'s code path (the erlmcp client). Usage:
 * node dist/bench/rate-latency.js [--rate 1000] [--seconds 5] [--quick] [--json file]
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench } from '../src/cli/bench.js';

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

async function start(script: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(here, script)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const match = /URL (\S+)/.exec(chunk);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGKILL') };
}

console.log(
  `fixed offered rate: ${rate} tools/call per second for ${seconds} s, latency from the intended send time`,
);
const rows = [];
for (const target of targets) {
  const server = await start(target.script);
  try {
    await runBench({
      target: server.url,
      tool: 'echo',
      args: { message: 'warm' },
      rate,
      durationSeconds: 1,
      write: () => {},
    });
    const report = await runBench({
      target: server.url,
      tool: 'echo',
      args: { message: 'hello' },
      rate,
      durationSeconds: seconds,
      write: () => {},
    });
    rows.push({ name: target.name, ...report });
    console.log(
      `  ${target.name.padEnd(34)} p50 ${report.p50.toFixed(2)} ms  p90 ${report.p90.toFixed(2)} ms  p99 ${report.p99.toFixed(2)} ms  max ${report.max.toFixed(2)} ms  errors ${report.errors}`,
    );
  } finally {
    server.stop();
  }
}
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify({
      scenario: `HTTP tools/call at ${rate}/s (open loop)`,
      unit: 'p99 ms',
      generator: 'erlmcp client (erlmcp bench)',
      targets: rows.map((row) => ({ name: row.name, median: row.p99, p50Ms: row.p50, p99Ms: row.p99 })),
      ratio: {
        label: 'SDK v1 p99 / erlmcp p99',
        value: (rows[1]?.p99 ?? Number.NaN) / (rows[0]?.p99 ?? Number.NaN),
      },
    }),
  );
}
