import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TEST_TMP_ENV } from './global-setup.js';
import { answersPing, respCommand } from './redis-resp.js';

/** The message a scale-out test fails with on a machine without Redis: fail, never skip. */
export const REDIS_NOT_FOUND = 'redis-server not found: install it (apt-get install redis-server)';

export interface StartRedisOptions {
  /** Default: a free loopback port. Never 6379, which a system Redis may own. */
  port?: number;
  /** Extra `redis-server` arguments, after the defaults (so they override them). */
  args?: string[];
}

/** A `redis-server` a test started on 127.0.0.1, with its own temp dir; gone after `stop()`. */
export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  /** The running process' id; `restart()` changes it. */
  readonly pid: number;
  /** SIGTERM (SIGKILL after 2 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit, as a crash would; the temp dir stays for `restart()`. */
  kill(): Promise<void>;
  /** Stops the process if it still runs, starts it again on the same port, waits for PING. */
  restart(): Promise<void>;
  /** `redis-cli -p <port> ...args`, stdout trimmed (an error reply is returned as its text, not thrown). */
  command(...args: string[]): Promise<string>;
}

export interface RedisClusterProcess {
  nodes: RedisProcess[];
  urls: string[];
  /** Stops every node and removes their temp dirs. Idempotent. */
  stop(): Promise<void>;
}

/** Why a start failed; `addressInUse` lets a start on a port picked by us try another one. */
export class RedisStartError extends Error {
  override name = 'RedisStartError';
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

const START_DEADLINE_MS = 5000;
const CLUSTER_DEADLINE_MS = 10_000;
const STOP_GRACE_MS = 2000;
const PORT_ATTEMPTS = 5;
const OUTPUT_LIMIT = 8192;

/**
 * Children alive right now: a worker that exits with a test still running must not leave them behind.
 * One set and one exit hook per process (vitest evaluates this module again for every test file).
 */
const LIVE = Symbol.for('erlmcp.test.redis-children');
const shared = globalThis as { [LIVE]?: Set<ChildProcess> };
shared[LIVE] ??= watchedSet();
const live = shared[LIVE];

function watchedSet(): Set<ChildProcess> {
  const children = new Set<ChildProcess>();
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  return children;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `count` distinct free loopback ports: all listened on at once (so they differ), then released.
 * Another process may take one before redis binds it; the start then retries with fresh ports.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject).listen(0, '127.0.0.1', resolve);
      });
      const { port } = server.address() as { port: number };
      if (port !== 6379) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** One spawned redis-server: its exit as a promise and the tail of its output (redis logs to stdout). */
interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

function spawnServer(binary: string, args: string[], dir: string): Running {
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      live.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (error) => {
      collect(String(error));
      done();
    });
  });
  return { child, exited, output: () => output };
}

function hasExited({ child }: Running): boolean {
  return child.exitCode !== null || child.signalCode !== null || !live.has(child);
}

/** SIGTERM, then SIGKILL when the grace period passes (`graceMs` 0: SIGKILL at once). */
async function terminate(running: Running, graceMs = STOP_GRACE_MS): Promise<void> {
  if (hasExited(running)) return running.exited;
  if (graceMs > 0) {
    running.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([running.exited, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return;
  }
  running.child.kill('SIGKILL');
  await running.exited;
}

/**
 * Waits for +PONG, then checks the answering server is this child (INFO process_id): when two starts
 * race for one port, the loser must not mistake the winner for itself.
 */
async function waitReady(running: Running, port: number): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (hasExited(running)) break;
    if (await answersPing(port)) {
      const info = await respCommand(port, ['INFO', 'server']).catch(() => '');
      if (info?.includes(`process_id:${running.child.pid}\r\n`)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const exited = hasExited(running);
  const output = running.output();
  throw new RedisStartError(
    `redis-server on 127.0.0.1:${port} ${exited ? 'exited' : `did not answer PING within ${START_DEADLINE_MS} ms`}:\n${output}`,
    /address already in use/i.test(output),
  );
}

/** Runs redis-cli; rejects when it exits non-zero (refused connection, bad option), with its output. */
function redisCli(args: string[], timeoutMs = 10_000): Promise<string> {
  const binary = onPath('redis-cli');
  if (!binary)
    return Promise.reject(new Error('redis-cli not found: install it (apt-get install redis-tools)'));
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`redis-cli ${args.join(' ')} failed: ${stderr || stdout || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

async function launch(options: StartRedisOptions, cluster: boolean): Promise<RedisProcess> {
  const binary = onPath('redis-server');
  if (!binary) throw new Error(REDIS_NOT_FOUND);
  if (options.port === 6379)
    throw new Error('startRedis: port 6379 belongs to a system Redis; tests never use it');
  const dir = mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), 'erlmcp-redis-'));
  for (let attempt = 1; ; attempt++) {
    const [picked, busPort] = await freePorts(cluster ? 2 : 1);
    const port = options.port ?? picked!;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--protected-mode', 'no', '--loglevel', 'warning', '--dir', dir);
    if (cluster) {
      // An explicit bus port: the default (port + 10000) may be taken or above 65535.
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`));
      args.push('--cluster-node-timeout', '2000', '--cluster-port', String(busPort));
    }
    args.push(...(options.args ?? []));
    const running = spawnServer(binary, args, dir);
    try {
      await waitReady(running, port);
      return handle(binary, args, dir, port, running);
    } catch (error) {
      await terminate(running, 0);
      const retry = options.port === undefined && attempt < PORT_ATTEMPTS;
      if (retry && error instanceof RedisStartError && error.addressInUse) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
}

function handle(binary: string, args: string[], dir: string, port: number, first: Running): RedisProcess {
  let current = first;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.child.pid ?? -1;
    },
    async stop() {
      await terminate(current);
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => terminate(current, 0),
    async restart() {
      await terminate(current);
      mkdirSync(dir, { recursive: true });
      current = spawnServer(binary, args, dir);
      try {
        await waitReady(current, port);
      } catch (error) {
        await terminate(current, 0);
        throw error;
      }
    },
    command: (...commandArgs) => redisCli(['-h', '127.0.0.1', '-p', String(port), ...commandArgs]),
  };
}

/** A standalone Redis on a free loopback port (no persistence), answering PING when this resolves. */
export function startRedis(options: StartRedisOptions = {}): Promise<RedisProcess> {
  return launch(options, false);
}

/** Resolves when every node reports `cluster_state:ok`: a node that missed the last gossip would MOVE/fail. */
async function waitClusterOk(nodes: RedisProcess[]): Promise<void> {
  const deadline = Date.now() + CLUSTER_DEADLINE_MS;
  let last = '';
  while (Date.now() < deadline) {
    const infos = await Promise.all(
      nodes.map((node) => respCommand(node.port, ['CLUSTER', 'INFO']).catch((error) => String(error))),
    );
    if (infos.every((info) => info?.includes('cluster_state:ok'))) return;
    last = infos.join('\n---\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis cluster not ok within ${CLUSTER_DEADLINE_MS} ms:\n${last}`);
}

/** Three cluster-enabled masters on free ports, joined by `redis-cli --cluster create` (slots split 3 ways). */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  const started = await Promise.allSettled([0, 1, 2].map(() => launch({}, true)));
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], 30_000);
    await waitClusterOk(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, urls: nodes.map((node) => node.url), stop };
}
