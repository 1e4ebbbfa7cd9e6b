import { randomBytes } from 'node:crypto';
import { type CliServer, startCli } from './cli-process.js';
import { EVERYTHING } from './everything-command.js';
import { type RedisProcess, startRedis } from './redis-server.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';

/** Redis, N `erlmcp serve --redis` nodes (each its own process and port) and a proxy without affinity. */
export interface ScaleCluster {
  redis: RedisProcess;
  nodes: CliServer[];
  proxy: RoundRobinProxy;
  /** The MCP endpoint through the proxy. */
  url: string;
  /** Starts node `index` again (after a kill) on a new port, and puts it back behind the proxy. */
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startScaleCluster(
  options: { nodes?: number; extraArgs?: string[]; env?: Record<string, string> } = {},
): Promise<ScaleCluster> {
  const redis = await startRedis();
  // One requestState key for the whole cluster, as an operator would configure it.
  const env = { ERLMCP_REQUEST_STATE_SECRET: randomBytes(32).toString('base64url'), ...options.env };
  const args = [
    EVERYTHING,
    '--transport',
    'http',
    '--port',
    '0',
    '--redis',
    redis.url,
    ...(options.extraArgs ?? []),
  ];
  const nodes: CliServer[] = [];
  let proxy: RoundRobinProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
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
