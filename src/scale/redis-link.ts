import { ErlmcpError } from '../jsonrpc/errors.js';

/** One Redis reply as this layer reads it (node-redis RESP2 replies: strings, numbers, arrays, null). */
export type RedisReply = string | number | null | RedisReply[] | { [key: string]: RedisReply };

/**
 * The few Redis operations the scale layer uses, the same over one server and a Redis Cluster:
 * commands by raw arguments (node-redis pipelines those sent in the same tick), and pub/sub on
 * channels (sharded pub/sub on a cluster, so a channel lives on one shard, not on all of them).
 */
export interface RedisLink {
  /** Runs a command; `key` routes it on a cluster. Rejects at once while disconnected. */
  command(key: string, args: readonly string[]): Promise<RedisReply>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channels: readonly string[], listener: (message: string, channel: string) => void): Promise<void>;
  /** Whether commands can be sent now. */
  readonly ready: boolean;
  /** Called each time the connection is back after a loss (not on the first connect). */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

/** HGETALL's reply: a flat array (RESP2) or a map, as the client gives it. */
export function hashReply(reply: RedisReply): Record<string, string> {
  const fields: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  } else if (reply && typeof reply === 'object') {
    for (const [name, value] of Object.entries(reply)) fields[name] = String(value);
  }
  return fields;
}

export interface RedisLinkOptions {
  /** `redis://host:port` (one server), or several URLs of a Redis Cluster's nodes. */
  url: string | readonly string[];
  /** A Redis Cluster: seeds from `url`; implied by more than one URL. */
  cluster?: boolean;
  /** Told of connection errors (the client reconnects by itself). */
  onError?: (error: unknown) => void;
}

/** The longest wait between two reconnection attempts: a Redis back up is used within a second. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Connects with `@redis/client` (an optional peer dependency, loaded only here). Commands fail fast
 * while Redis is away (no offline queue: a caller decides what an outage means) and the client
 * reconnects with a capped backoff.
 */
export async function connectRedis(options: RedisLinkOptions): Promise<RedisLink> {
  let redis: typeof import('@redis/client');
  try {
    redis = await import('@redis/client');
  } catch (error) {
    throw new ErlmcpError(
      'ERR_REDIS_CLIENT_MISSING',
      `--redis needs the @redis/client package: npm install @redis/client (${String((error as Error).message)})`,
    );
  }
  const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
  const onError = options.onError ?? (() => {});
  const socket = {
    connectTimeout: 2000,
    reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
  };
  if (options.cluster || urls.length > 1) {
    const cluster = redis.createCluster({
      rootNodes: urls.map((url) => ({ url, socket })),
      defaults: { socket, disableOfflineQueue: true },
    });
    cluster.on('error', onError);
    await cluster.connect();
    const reconnected = new Set<() => void>();
    // Registered after the first connect: every node-ready from now on is a node back after a loss.
    cluster.on('node-ready', () => {
      for (const listener of reconnected) listener();
    });
    return {
      command: (key, args) => cluster.sendCommand(key, false, [...args]) as Promise<RedisReply>,
      publish: async (channel, message) => {
        await cluster.sPublish(channel, message);
      },
      // One SSUBSCRIBE per channel: channels of one command must share a slot.
      subscribe: async (channels, listener) => {
        for (const channel of channels) await cluster.sSubscribe(channel, listener);
      },
      onReconnect: (listener) => reconnected.add(listener),
      get ready() {
        return cluster.masters.length > 0 && cluster.masters.every((node) => node.client?.isReady !== false);
      },
      close: async () => {
        await cluster.close();
      },
    };
  }
  const client = redis.createClient({ url: urls[0]!, socket, disableOfflineQueue: true });
  client.on('error', onError);
  const reconnected = readyAgain(client);
  const subscriber = client.duplicate();
  subscriber.on('error', onError);
  await Promise.all([client.connect(), subscriber.connect()]);
  return {
    command: (_key, args) => client.sendCommand([...args]) as Promise<RedisReply>,
    publish: async (channel, message) => {
      await client.publish(channel, message);
    },
    subscribe: (channels, listener) => subscriber.subscribe([...channels], listener),
    get ready() {
      return client.isReady;
    },
    onReconnect: (listener) => reconnected.add(listener),
    close: async () => {
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}

/** Listeners told of every 'ready' after the first (a reconnection). */
function readyAgain(client: { on(event: 'ready', listener: () => void): unknown }): Set<() => void> {
  const listeners = new Set<() => void>();
  let first = true;
  client.on('ready', () => {
    if (first) {
      first = false;
      return;
    }
    for (const listener of listeners) listener();
  });
  return listeners;
}
