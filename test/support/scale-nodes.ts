import { randomBytes } from 'node:crypto';
import { type CliServer, startCli } from './cli-process.js';
import { EVERYTHING } from './everything-command.js';
import {
  type RedisClusterProcess,
  type RedisProcess,
  startRedis,
  startRedisCluster,
} from './redis-server.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';

/** Redis, N `erlmcp serve --redis` nodes (each its own process and port) and a proxy without affinity. */
export interface ScaleCluster {
  /** The Redis server (on a Redis Cluster: its first master). */
  redis: RedisProcess;
  /** The Redis Cluster, when started with `redisCluster`. */
  redisCluster: RedisClusterProcess | undefined;
  nodes: CliServer[];
  proxy: RoundRobinProxy;
  /** The MCP endpoint through the proxy. */
  url: string;
  /** Starts node `index` again (after a kill) on a new port, and puts it back behind the proxy. */
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startScaleCluster(
  options: {
    nodes?: number;
    extraArgs?: string[];
    env?: Record<string, string>;
    redisCluster?: boolean;
  } = {},
): Promise<ScaleCluster> {
  const redisCluster = options.redisCluster ? await startRedisCluster() : undefined;
  const redis = redisCluster ? redisCluster.nodes[0]! : await startRedis();
  const redisUrl = redisCluster ? redisCluster.urls.join(',') : redis.url;
  // One requestState key for the whole cluster, as an operator would configure it.
  // Load shedding off: these tests run many sessions at once on a busy 2-core machine, and measure
  // scale-out, not the shedder (test/runtime covers it).
  const env = {
    ERLMCP_REQUEST_STATE_SECRET: randomBytes(32).toString('base64url'),
    ERLMCP_LIMITS_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
  };
  const args = [
    EVERYTHING,
    '--transport',
    'http',
    '--port',
    '0',
    '--redis',
    redisUrl,
    ...(options.extraArgs ?? []),
  ];
  const nodes: CliServer[] = [];
  let proxy: RoundRobinProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await (redisCluster ?? redis).stop();
  };
  try {
    for (let i = 0; i < (options.nodes ?? 3); i++) nodes.push(await startCli(args, env));
    proxy = await startRoundRobinProxy(nodes.map((node) => node.url));
  } catch (error) {
    await stop();
    throw error;
  }
  const started = proxy;
  return {
    redis,
    redisCluster,
    nodes,
    proxy: started,
    url: new URL(new URL(nodes[0]!.url).pathname, started.url).href,
    async restartNode(index) {
      nodes[index] = await startCli(args, env);
      started.setBackends(nodes.map((node) => node.url));
    },
    stop,
  };
}
