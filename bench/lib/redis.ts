import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { pinned } from './pin.js';

/**
 * A throw-away `redis-server` for a benchmark: a free loopback port (never 6379), no persistence, its
 * own temp dir. (The tests' launcher, test/support/redis-server.ts, is not built into dist/; this is
 * the little a benchmark needs: start, talk, stop.)
 */
export interface BenchRedis {
  readonly url: string;
  readonly pid: number;
  /** One command, its reply as @redis/client gives it (RESP2: strings, numbers, arrays, null). */
  command(...args: string[]): Promise<unknown>;
  /** `INFO section` as name → value. */
  info(section: string): Promise<Map<string, string>>;
  /** SIGTERM, wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
}

export const REDIS_NOT_FOUND = 'redis-server not found: install it (apt-get install redis-server)';

async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    if (port !== 6379) return port;
  }
}

/** Starts redis-server (pinned to `cpu` where taskset exists) and connects a client to it. */
export async function startBenchRedis(options: { cpu?: number } = {}): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'erlmcp-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--loglevel', 'warning', '--dir', dir);
  const [command, argv] =
    options.cpu === undefined ? ['redis-server', args] : pinned(options.cpu, 'redis-server', args);
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(REDIS_NOT_FOUND) : error),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  failed.catch(() => {});
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  let client: ReturnType<typeof createClient>;
  for (;;) {
    client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await Promise.race([client.connect(), failed]);
      break;
    } catch (error) {
      if (client.isOpen) client.destroy();
      if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const run = (...commandArgs: string[]) => client.sendCommand(commandArgs) as Promise<unknown>;
  return {
    url,
    pid: child.pid!,
    command: run,
    async info(section) {
      const text = String(await run('INFO', section));
      const fields = new Map<string, string>();
      for (const line of text.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
      }
      return fields;
    },
    async stop() {
      if (client.isOpen) client.destroy();
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `INFO commandstats` as command → calls, without the commands a benchmark sends itself to read
 * them (`CONFIG RESETSTAT`, `INFO`), so what is left is what the servers sent.
 */
export async function commandCalls(redis: BenchRedis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const [name, value] of await redis.info('commandstats')) {
    const command = name.replace(/^cmdstat_/, '');
    if (command === 'info' || command === 'config|resetstat') continue;
    calls.set(command, Number(/calls=(\d+)/.exec(value)?.[1] ?? 0));
  }
  return calls;
}
