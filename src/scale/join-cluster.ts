import type { McpServer } from '../server/mcp-server.js';
import { RedisClusterNode } from './redis-cluster-node.js';
import { RedisEventStore } from './redis-event-store.js';

/** Where a node finds the cluster's Redis: one URL, several (a Redis Cluster), or the full options. */
export type RedisScaleOptions =
  | string
  | readonly string[]
  | { url: string | readonly string[]; cluster?: boolean; nodeId?: string };

export interface ClusterMembership {
  readonly node: RedisClusterNode;
  /** Resumable SSE events every node can replay. */
  readonly eventStore: RedisEventStore;
  leave(): Promise<void>;
}

/**
 * Makes `server` one node of a cluster on Redis: its 2025 sessions, their streams' events, tasks
 * and change notifications are shared with every other node on the same Redis. Before serving.
 */
export async function joinRedisCluster(
  server: McpServer,
  redis: RedisScaleOptions,
  store: { resumeWindowMs?: number; maxResumableBytesPerSession?: number } = {},
): Promise<ClusterMembership> {
  const options = typeof redis === 'string' || Array.isArray(redis) ? { url: redis as string } : redis;
  const report = throttledReport(server);
  const node = await RedisClusterNode.connect({ ...(options as { url: string }), onError: report });
  const eventStore = new RedisEventStore(node.link, {
    ...(store.resumeWindowMs === undefined ? {} : { resumeWindowMs: store.resumeWindowMs }),
    ...(store.maxResumableBytesPerSession === undefined
      ? {}
      : { maxBytesPerSession: store.maxResumableBytesPerSession }),
    onError: report,
  });
  server.core.attachCluster(node);
  return { node, eventStore, leave: () => node.close() };
}

/** Redis errors to the server's diagnostics, at most one a second: an outage must not flood the log. */
function throttledReport(server: McpServer): (error: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < 1000) {
      suppressed++;
      return;
    }
    last = now;
    const more = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    suppressed = 0;
    server.core.diagnostic(`Redis${more}`, error);
  };
}
