/**
 * Idle WebSocket connections one node holds: erlmcp serving `--transport ws` (each connection a
 * 2025 session, initialized, then idle), as one process and as a 2-worker cluster on one port.
 * Reports connections held, failures, and server RSS per connection (summed over the workers).
 * One process cannot pass the machine's open-file limit (`ulimit -Hn`), which is why the cluster row
 * exists. Usage: node dist/bench/idle-websockets.js [--single 19500] [--cluster 24000] [--quick] [--json file]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type TargetResult, writeResult } from './lib/results.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    single: { type: 'string', default: '19500' },
    cluster: { type: 'string', default: '24000' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const CLI = join(here, '../src/cli/main.js');
const MODULE = join(here, 'peers/erlmcp-bench-server.js');

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

async function startWs(workers: number): Promise<{ child: ChildProcess; url: string; pids: number[] }> {
  const args = [
    CLI,
    'serve',
    MODULE,
    '--transport',
    'ws',
    '--port',
    '0',
    ...(workers > 1 ? ['--workers', String(workers)] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const deadline = Date.now() + 15_000;
  while (
    !/MCP endpoint (\S+)/.test(out) ||
    (workers > 1 && [...err.matchAll(/worker (\d+) ready/g)].length < workers)
  ) {
    if (Date.now() > deadline) throw new Error(`ws server did not start: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pids = workers > 1 ? [...err.matchAll(/worker (\d+) ready/g)].map((m) => Number(m[1])) : [child.pid!];
  return { child, url: /MCP endpoint (\S+)/.exec(out)![1]!, pids };
}

async function hold(url: string, total: number) {
  // Each client process stays under the per-process open-file limit.
  const perProcess = 6_000;
  const clients: ChildProcess[] = [];
  const ready: Promise<[number, number]>[] = [];
  for (let offset = 0, i = 0; offset < total; offset += perProcess, i++) {
    const count = Math.min(perProcess, total - offset);
    const child = spawn(
      process.execPath,
      [
        join(here, 'lib/ws-idle-clients.js'),
        '--url',
        url,
        '--count',
        String(count),
        '--first',
        String(2 + (i % 8) * 4),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    clients.push(child);
    ready.push(
      new Promise((resolve) => {
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
          const match = /READY (\d+) (\d+)/.exec(chunk);
          if (match) resolve([Number(match[1]), Number(match[2])]);
        });
        child.once('exit', () => resolve([0, count]));
      }),
    );
  }
  const counts = await Promise.all(ready);
  return {
    open: counts.reduce((sum, [open]) => sum + open, 0),
    failed: counts.reduce((sum, [, failed]) => sum + failed, 0),
    release: () => {
      for (const child of clients) child.kill('SIGKILL');
    },
  };
}

const plan = [
  { name: 'erlmcp ws, 1 process', workers: 1, connections: values.quick ? 5_000 : Number(values.single) },
  {
    name: 'erlmcp ws, 2 workers (one node)',
    workers: 2,
    connections: values.quick ? 10_000 : Number(values.cluster),
  },
];
const rows: TargetResult[] = [];
for (const target of plan) {
  const server = await startWs(target.workers);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = server.pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    const started = performance.now();
    const held = await hold(server.url, target.connections);
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = server.pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    const perConnection = (after - before) / Math.max(1, held.open);
    held.release();
    rows.push({
      name: target.name,
      median: held.open,
      extra: {
        failed: String(held.failed),
        'RSS / connection': `${Math.round(perConnection).toLocaleString('en-US')} B`,
        'set-up': `${Math.round(held.open / seconds).toLocaleString('en-US')}/s`,
      },
    });
    console.log(
      `  ${target.name.padEnd(34)} held ${held.open.toLocaleString('en-US')} (failed ${held.failed})  RSS ${Math.round(perConnection).toLocaleString('en-US')} B/connection  set-up ${Math.round(held.open / seconds)}/s`,
    );
  } finally {
    server.child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
writeResult(values.json, {
  scenario: 'Idle WebSocket connections held (2025 sessions)',
  unit: 'connections',
  generator: 'lean ws clients in child processes, 127.0.0.x source addresses',
  targets: rows,
  ratio: { label: 'cluster / single process', value: (rows[1]?.median ?? 0) / (rows[0]?.median || 1) },
  notes: ['A process cannot hold more sockets than its open-file limit (hard limit here: see `ulimit -Hn`).'],
});
