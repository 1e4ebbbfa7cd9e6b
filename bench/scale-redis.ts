/**
 * Scale-out on Redis, what it costs: (1) one node with `--redis` against the same node in memory,
 * HTTP `tools/call` (`echo`), wrk -t1 -c32, in a 2025 session and 2026 stateless, both servers alive
 * and taking turns in ABBA order, pinned apart from wrk (targets: 2025 >= 0.70, 2026 >= 0.95);
 * (2) Redis commands per request during those runs (`CONFIG RESETSTAT` before, `INFO commandstats`
 * after; targets: 2025 <= 2, 2026 0); (3) Redis memory per idle session (`MEMORY USAGE` of a sample
 * of session keys, and `used_memory` growth / sessions; target <= 1 KiB); (4) N idle 2025 sessions
 * over three nodes on one Redis: each node's RSS and heap per session, Redis memory per session.
 * Usage: node dist/bench/scale-redis.js [--seconds 3] [--rounds 5] [--memory-sessions 1000]
 *        [--sessions 100000] [--quick] [--json file]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCpu } from './lib/cpu.js';
import { ACCEPT, openSession } from './lib/http-session.js';
import { type BenchRedis, commandCalls, startBenchRedis } from './lib/redis.js';
import { type TargetResult, writeResult, wrkTargetResult } from './lib/results.js';
import { SESSIONS_DONE, sessionCounts, sessionSetupLua } from './lib/session-lua.js';
import { type ServerProcess, startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrk, runWrkScript, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    'memory-sessions': { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '100000' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const quick = values.quick === true;
const seconds = quick ? 1 : Number(values.seconds);
const rounds = quick ? 1 : Number(values.rounds);
const memorySessions = Number(values['memory-sessions']);
const idleSessions = quick ? 3_000 : Number(values.sessions);
const connections = 32;
// As auth-overhead: the server under test on one core, wrk (and the nearly idle Redis) on the other.
const SERVER_CPU = 1;
const WRK_CPU = 0;
const PEER = join(here, 'peers/erlmcp-http-server.js');
const NODES = 3;
const WARM_UP_SESSIONS = quick ? 200 : 500;

type Era = '2025' | '2026';
const ERAS: Era[] = ['2025', '2026'];
const MEMORY = 'in memory';
const REDIS = '--redis';
const label = (config: string, era: Era) =>
  `erlmcp ${config}, ${era === '2025' ? '2025 session' : '2026 stateless'}`;

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
};
const MODERN_HEADERS = {
  ...ACCEPT,
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};

interface Node {
  config: string;
  server: ServerProcess;
  /** Headers of the one 2025 session every 2025 run of this node uses. */
  session: Record<string, string>;
}

function load(node: Node, era: Era, runSeconds = seconds): Promise<WrkResult> {
  const modern = era === '2026';
  const params = JSON.stringify({
    name: 'echo',
    arguments: { message: 'hello' },
    ...(modern ? { _meta: MODERN_META } : {}),
  });
  return runWrk(
    node.server.url,
    modern ? MODERN_HEADERS : node.session,
    '{"jsonrpc":"2.0","id":',
    `,"method":"tools/call","params":${params}}`,
    { connections, seconds: runSeconds, serverPid: node.server.pid, cpu: WRK_CPU },
  );
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const bytes = (value: number) => `${count(value)} B`;
const sum = (list: Iterable<number>) => [...list].reduce((total, value) => total + value, 0);

/** Adds `calls` into `into`, command by command. */
function addCalls(into: Map<string, number>, calls: Map<string, number>): void {
  for (const [command, n] of calls) into.set(command, (into.get(command) ?? 0) + n);
}

function breakdown(calls: Map<string, number>, per: number): string {
  const rows = [...calls].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return rows.length
    ? rows.map(([command, n]) => `${command} ${n} (${(n / per).toFixed(4)})`).join(', ')
    : 'none';
}

/** Opens exactly `limit` 2025 sessions on `server` with wrk + Lua; throws if any failed. */
async function openSessions(server: ServerProcess, limit: number) {
  const result = await runWrkScript(server.url, sessionSetupLua({ limit }), {
    connections,
    seconds: 600,
    serverPid: server.pid,
    stopOn: SESSIONS_DONE,
  });
  const counts = sessionCounts(result.stdout);
  if (counts.failed > 0 || counts.sessions !== limit)
    throw new Error(`${server.url}: ${counts.sessions} of ${limit} sessions opened, ${counts.failed} failed`);
  return counts;
}

/** The node's memory after forced GC (the peer prints it on SIGUSR2 when run with --expose-gc). */
function nodeMemory(server: ServerProcess): Promise<NodeJS.MemoryUsage> {
  const stdout = server.child.stdout!;
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: string) => {
      text += chunk;
      const match = /MEMORY (\{.*\})\n/.exec(text);
      if (!match) return;
      stdout.off('data', onData);
      resolve(JSON.parse(match[1]!) as NodeJS.MemoryUsage);
    };
    stdout.on('data', onData);
    server.child.kill('SIGUSR2');
  });
}

async function usedMemory(redis: BenchRedis): Promise<number> {
  return Number((await redis.info('memory')).get('used_memory'));
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

console.log(
  `Scale-out on Redis: one node with --redis vs in memory, HTTP tools/call, wrk -t1 -c${connections} (wrk and Redis on CPU ${WRK_CPU}, server on CPU ${SERVER_CPU}), ${seconds}s per run, ${rounds} round(s) of four runs per era (memory, redis, redis, memory); then Redis memory per session (${count(memorySessions)} sessions) and ${count(idleSessions)} idle sessions over ${NODES} nodes; Node ${process.version}`,
);
const redis = await startBenchRedis({ cpu: WRK_CPU });
// A run that fails half-way leaves no Redis behind (after a normal stop the pid is gone: ESRCH).
process.once('exit', () => {
  try {
    process.kill(redis.pid, 'SIGKILL');
  } catch {}
});
const results = new Map<string, WrkResult[]>();
const ratios: Record<Era, number[]> = { '2025': [], '2026': [] };
// Server CPU per request (µs) and, per round, in memory / --redis of it: on a VM shared with other
// work, a starved server loses rate and CPU time together, so this ratio holds where req/s swings.
const cpuPerRequest = new Map<string, number[]>();
const cpuRatios: Record<Era, number[]> = { '2025': [], '2026': [] };
const serverMicros = (result: WrkResult) => (result.serverCpu.seconds / result.requests) * 1e6;
const commands: Record<Era, { calls: Map<string, number>; requests: number }> = {
  '2025': { calls: new Map(), requests: 0 },
  '2026': { calls: new Map(), requests: 0 },
};
const notes: string[] = [];
let setup: { calls: Map<string, number>; perSession: number } | undefined;
let sessionMemory: { sampled: number; medianUsage: number; usedPerSession: number } | undefined;
const nodes: Node[] = [];
const idleRows: string[] = [];
try {
  // --- 1 and 2: throughput and Redis commands per request ----------------------------------------
  for (const [config, extra] of [
    [MEMORY, []],
    [REDIS, ['--redis', redis.url]],
  ] as const) {
    const server = await startServer(PEER, ['--mode', 'json', ...extra], { cpu: SERVER_CPU });
    nodes.push({ config, server, session: {} });
    nodes.at(-1)!.session = await openSession(server.url);
    for (const era of ERAS) await load(nodes.at(-1)!, era, quick ? 1 : seconds); // warm-up, discarded
  }
  const [memoryNode, redisNode] = nodes as [Node, Node];
  for (let round = 1; round <= rounds; round++) {
    for (const era of ERAS) {
      const sums: Record<string, number> = { [MEMORY]: 0, [REDIS]: 0 };
      const cpu: Record<string, number> = { [MEMORY]: 0, [REDIS]: 0 };
      for (const node of [memoryNode, redisNode, redisNode, memoryNode]) {
        const counted = node === redisNode;
        if (counted) await redis.command('CONFIG', 'RESETSTAT');
        const result = await load(node, era);
        if (result.errors > 0)
          throw new Error(`${label(node.config, era)}: ${result.errors} non-2xx responses`);
        let perRequest = '';
        if (counted) {
          const calls = await commandCalls(redis);
          const total = sum(calls.values());
          addCalls(commands[era].calls, calls);
          commands[era].requests += result.requests;
          perRequest = `  Redis ${total} commands (${(total / result.requests).toFixed(4)}/request)`;
        }
        const name = label(node.config, era);
        results.set(name, [...(results.get(name) ?? []), result]);
        sums[node.config]! += result.requestsPerSecond;
        cpu[node.config]! += result.serverCpu.seconds / result.requests;
        cpuPerRequest.set(name, [...(cpuPerRequest.get(name) ?? []), serverMicros(result)]);
        console.log(
          `round ${round}: ${name.padEnd(34)} ${count(result.requestsPerSecond).padStart(8)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(result.generatorCpu)}  server CPU ${formatCpu(result.serverCpu)} = ${serverMicros(result).toFixed(1)} µs/request${perRequest}`,
        );
      }
      ratios[era].push(sums[REDIS]! / sums[MEMORY]!);
      cpuRatios[era].push(cpu[MEMORY]! / cpu[REDIS]!);
      console.log(
        `round ${round}: ${era} --redis / in memory ${ratios[era].at(-1)!.toFixed(3)} (server CPU per request, in memory / --redis: ${cpuRatios[era].at(-1)!.toFixed(3)})`,
      );
    }
  }

  // --- 3: Redis memory per idle session, on the --redis node --------------------------------------
  const keysBefore = await sessionKeys(redis);
  const usedBefore = await usedMemory(redis);
  await redis.command('CONFIG', 'RESETSTAT');
  await openSessions(redisNode.server, memorySessions);
  await settle(300); // the `initialized` update is written behind its 202
  const setupCalls = await commandCalls(redis);
  const usedAfter = await usedMemory(redis);
  const keysAdded = (await sessionKeys(redis)) - keysBefore;
  if (keysAdded !== memorySessions)
    throw new Error(`${memorySessions} sessions opened but ${keysAdded} keys added to Redis`);
  setup = { calls: setupCalls, perSession: sum(setupCalls.values()) / memorySessions };
  const sample: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = (await redis.command('SCAN', cursor, 'MATCH', 'erlmcp:{*}:s', 'COUNT', '1000')) as [
      string,
      string[],
    ];
    cursor = next;
    sample.push(...keys);
  } while (cursor !== '0' && sample.length < 100);
  const usages: number[] = [];
  for (const key of sample.slice(0, 100))
    usages.push(Number(await redis.command('MEMORY', 'USAGE', key, 'SAMPLES', '0')));
  const sampleKey = sample[0]!;
  const hash = (await redis.command('HGETALL', sampleKey)) as string[] | Record<string, string>;
  const fields = Array.isArray(hash) ? hash : Object.entries(hash).flat();
  const ttl = Number(await redis.command('PTTL', sampleKey));
  sessionMemory = {
    sampled: usages.length,
    medianUsage: median(usages),
    usedPerSession: (usedAfter - usedBefore) / memorySessions,
  };
  console.log(
    `\nRedis memory per idle session (${count(memorySessions)} sessions on the --redis node): MEMORY USAGE median ${bytes(sessionMemory.medianUsage)} (of ${usages.length} keys, min ${bytes(Math.min(...usages))}, max ${bytes(Math.max(...usages))}); used_memory +${bytes(usedAfter - usedBefore)} = ${bytes(sessionMemory.usedPerSession)}/session; target <= 1 KiB`,
  );
  console.log(
    `  a session key: ${sampleKey} (PTTL ${count(ttl)} ms), ${fields.length / 2} fields, ${sum(fields.map((f) => Buffer.byteLength(f)))} bytes of names and values: ${JSON.stringify(fields)}`,
  );
  console.log(
    `  Redis commands per session set-up (initialize + initialized): ${setup.perSession.toFixed(2)} — ${breakdown(setupCalls, memorySessions)}`,
  );
} finally {
  for (const node of nodes.splice(0)) await node.server.stop();
}

// --- 4: N idle sessions over three nodes on one Redis ---------------------------------------------
const cluster: ServerProcess[] = [];
try {
  for (let i = 0; i < NODES; i++)
    cluster.push(
      await startServer(PEER, ['--mode', 'json', '--redis', redis.url], { nodeArgs: ['--expose-gc'] }),
    );
  // JIT, caches and lazily built tables are paid outside the measured window.
  await Promise.all(cluster.map((server) => openSessions(server, WARM_UP_SESSIONS)));
  await settle(500);
  const before = await Promise.all(cluster.map(nodeMemory));
  const usedBefore = await usedMemory(redis);
  const keysBefore = await sessionKeys(redis);
  // A third each, three wrk at once: session i of the run lands on node i mod 3 in time as in count.
  const shares = cluster.map((_, i) => Math.floor(idleSessions / NODES) + (i < idleSessions % NODES ? 1 : 0));
  const started = performance.now();
  await Promise.all(cluster.map((server, i) => openSessions(server, shares[i]!)));
  const openSeconds = (performance.now() - started) / 1000;
  await settle(1000);
  const after = await Promise.all(cluster.map(nodeMemory));
  const usedAfter = await usedMemory(redis);
  const keysAdded = (await sessionKeys(redis)) - keysBefore;
  const held = await Promise.all(
    cluster.map(async (server) => {
      const health = (await (await fetch(new URL('/healthz', server.url))).json()) as { sessions: number };
      return health.sessions;
    }),
  );
  console.log(
    `\n${count(idleSessions)} idle 2025 sessions over ${NODES} nodes on one Redis (after ${WARM_UP_SESSIONS} warm-up sessions per node; memory after forced GC): opened in ${openSeconds.toFixed(1)} s (${count(idleSessions / openSeconds)} sessions/s), ${count(keysAdded)} keys added to Redis`,
  );
  const perNode = cluster.map((_, i) => ({
    rss: (after[i]!.rss - before[i]!.rss) / shares[i]!,
    heap: (after[i]!.heapUsed - before[i]!.heapUsed) / shares[i]!,
  }));
  for (const [i, node] of perNode.entries()) {
    const line = `node ${i + 1}: ${count(shares[i]!)} sessions (holds ${count(held[i]!)}), RSS ${bytes(node.rss)}/session, heap ${bytes(node.heap)}/session, RSS ${(after[i]!.rss / 2 ** 20).toFixed(0)} MiB`;
    idleRows.push(line);
    console.log(`  ${line}`);
  }
  const redisPerSession = (usedAfter - usedBefore) / keysAdded;
  const line = `Redis: used_memory +${((usedAfter - usedBefore) / 2 ** 20).toFixed(1)} MiB = ${bytes(redisPerSession)}/session (${(usedAfter / 2 ** 20).toFixed(1)} MiB in all)`;
  idleRows.push(line);
  console.log(`  ${line}`);
  if (keysAdded !== idleSessions)
    throw new Error(`${idleSessions} sessions opened but ${keysAdded} keys added to Redis`);
} finally {
  for (const server of cluster) await server.stop();
  await redis.stop();
}

// --- report -------------------------------------------------------------------------------------
const med = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
console.log('\nmedians:');
for (const era of ERAS)
  for (const config of [MEMORY, REDIS]) {
    const name = label(config, era);
    const p99 = median(results.get(name)!.map((r) => r.p99Ms));
    console.log(
      `  ${name.padEnd(34)} ${count(med(name)).padStart(8)} req/s  p99 ${p99.toFixed(2)} ms  server CPU ${median(cpuPerRequest.get(name)!).toFixed(1)} µs/request`,
    );
  }
/** Commands a node sends on a timer, not for a request: its heartbeat `SET … PX`. */
const BACKGROUND_COMMANDS: ReadonlySet<string> = new Set(['set']);
const targetOf: Record<Era, { ratio: number; commands: number }> = {
  '2025': { ratio: 0.7, commands: 2 },
  '2026': { ratio: 0.95, commands: 0 },
};
for (const era of ERAS) {
  const ratio = median(ratios[era]);
  const { calls: all, requests } = commands[era];
  // The node's heartbeat (one SET a second, docs/scale.md) runs whatever the traffic: not a request's.
  const calls = new Map([...all].filter(([name]) => !BACKGROUND_COMMANDS.has(name)));
  const background = [...all].filter(([name]) => BACKGROUND_COMMANDS.has(name));
  const perRequest = sum(calls.values()) / requests;
  const target = targetOf[era];
  console.log(
    `${era}: --redis / in memory ${ratio.toFixed(3)} (median of rounds: ${ratios[era].map((r) => r.toFixed(3)).join(', ')}); target >= ${target.ratio} ${ratio >= target.ratio ? 'met' : 'MISSED'}`,
  );
  console.log(
    `${era}: server CPU per request, in memory / --redis ${median(cpuRatios[era]).toFixed(3)} (median of rounds: ${cpuRatios[era].map((r) => r.toFixed(3)).join(', ')})`,
  );
  console.log(
    `${era}: Redis commands per request ${perRequest.toFixed(4)} over ${count(requests)} requests (${breakdown(calls, requests)}); target <= ${target.commands} ${perRequest <= target.commands ? 'met' : 'MISSED'}${background.length > 0 ? `; besides, the heartbeat: ${background.map(([name, n]) => `${name} ${n}`).join(', ')}` : ''}`,
  );
}
console.log('load generator: wrk (lean, C), not the erlmcp client; sessions opened by wrk + Lua');

const targets: TargetResult[] = [];
for (const era of ERAS)
  for (const config of [MEMORY, REDIS]) {
    const target = wrkTargetResult(label(config, era), results.get(label(config, era))!);
    const { calls, requests } = commands[era];
    target.extra = {
      'server µs/request': median(cpuPerRequest.get(label(config, era))!).toFixed(1),
      'Redis cmds/request': config === REDIS ? (sum(calls.values()) / requests).toFixed(4) : '',
    };
    targets.push(target);
  }
notes.push(
  `2026 --redis / in memory: ${median(ratios['2026']).toFixed(2)}× (per round: ${ratios['2026'].map((r) => `${r.toFixed(2)}×`).join(', ')}); targets 2025 ≥ 0.70, 2026 ≥ 0.95.`,
  `Server CPU per request, in memory / --redis (steadier than req/s when the VM is shared: a starved server loses both): 2025 ${median(cpuRatios['2025']).toFixed(2)}× (per round: ${cpuRatios['2025'].map((r) => `${r.toFixed(2)}×`).join(', ')}), 2026 ${median(cpuRatios['2026']).toFixed(2)}× (per round: ${cpuRatios['2026'].map((r) => `${r.toFixed(2)}×`).join(', ')}).`,
  ...ERAS.map(
    (era) =>
      `Redis commands per request, ${era} (INFO commandstats after CONFIG RESETSTAT around each --redis run; the bench's own INFO and CONFIG left out): ${(sum(commands[era].calls.values()) / commands[era].requests).toFixed(4)} — ${breakdown(commands[era].calls, commands[era].requests)} (target ${targetOf[era].commands === 0 ? '0' : `≤ ${targetOf[era].commands}`}).`,
  ),
);
if (setup)
  notes.push(
    `Redis commands per 2025 session set-up (initialize + initialized): ${setup.perSession.toFixed(2)} — ${breakdown(setup.calls, memorySessions)}.`,
  );
if (sessionMemory)
  notes.push(
    `Redis memory per idle session (${count(memorySessions)} sessions): MEMORY USAGE median ${bytes(sessionMemory.medianUsage)} (${sessionMemory.sampled} keys), used_memory growth ${bytes(sessionMemory.usedPerSession)}/session (target ≤ 1 KiB).`,
  );
notes.push(
  `${count(idleSessions)} idle 2025 sessions over ${NODES} nodes on one Redis (memory after forced GC, after ${WARM_UP_SESSIONS} warm-up sessions per node): ${idleRows.join('; ')}.`,
);
writeResult(values.json, {
  scenario: 'Scale-out on Redis: one node with --redis vs in memory, HTTP tools/call (wrk -t1 -c32)',
  unit: 'req/s',
  generator: 'wrk (lean purpose-built, C, one thread), not the erlmcp client; sessions opened by wrk + Lua',
  targets,
  ratio: {
    label: '2025 session, --redis / in memory (median of rounds)',
    value: median(ratios['2025']),
    rounds: ratios['2025'],
  },
  notes,
});

/**
 * Session hashes in Redis. Not DBSIZE: the node heartbeat keys come and go (a node killed at the end
 * of one part leaves its key to expire 3 s later, in the middle of the next part).
 */
async function sessionKeys(redis: BenchRedis): Promise<number> {
  return Number(await redis.command('EVAL', "return #redis.call('KEYS', ARGV[1])", '0', 'erlmcp:{*}:s'));
}
