import { randomBytes } from 'node:crypto';
import type { ClusterMessage, ClusterNode, SharedSession } from '../server/cluster.js';
import type { TaskStore } from '../server/tasks/task-store.js';
import { LuaScript } from './lua-script.js';
import { NodeHeartbeat, type NodeHeartbeatOptions } from './node-heartbeat.js';
import {
  connectRedis,
  hashReply,
  type RedisLink,
  type RedisLinkOptions,
  type RedisReply,
} from './redis-link.js';
import { RedisTaskStore } from './redis-task-store.js';
import { BROADCAST_CHANNEL, nodeChannel, sessionKey } from './session-keys.js';

export interface RedisClusterNodeOptions extends RedisLinkOptions {
  /** This node's id (default: random); server→client request ids start with it. */
  nodeId?: string;
  /** Told of Redis failures that a caller does not see (writes, pub/sub, heartbeats). */
  onError?: (error: unknown) => void;
  /** Tasks in Redis, so every node lists, polls, cancels and answers them (default true). */
  sharedTasks?: boolean;
  /** How often this node says it is alive, and how long that lasts (node-heartbeat.ts defaults). */
  heartbeat?: Pick<NodeHeartbeatOptions, 'intervalMs' | 'ttlMs'>;
}

/**
 * A cluster node on Redis: each 2025 session is one small hash (TTL = the idle timeout), messages to
 * the other nodes go over pub/sub (one broadcast channel, one inbox per node), tasks live in Redis
 * (redis-task-store.ts), and an expiring key renewed every second tells the others this node lives.
 */
/** HSET the fields (ARGV[2..]) and PEXPIRE (ARGV[1]) a session hash, only if it still exists. */
const UPDATE_IF_EXISTS = new LuaScript(
  "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end " +
    "redis.call('HSET', KEYS[1], unpack(ARGV, 2)) " +
    "redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1",
);

export class RedisClusterNode implements ClusterNode {
  readonly #listeners = new Set<(message: ClusterMessage) => void>();
  taskStore?: TaskStore;
  readonly heartbeat: NodeHeartbeat;

  private constructor(
    readonly nodeId: string,
    readonly link: RedisLink,
    private readonly onError: (error: unknown) => void,
    heartbeat: RedisClusterNodeOptions['heartbeat'],
  ) {
    this.heartbeat = new NodeHeartbeat(link, nodeId, { ...heartbeat, onError });
  }

  static async connect(options: RedisClusterNodeOptions): Promise<RedisClusterNode> {
    const onError = options.onError ?? (() => {});
    const link = await connectRedis({ ...options, onError });
    const nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
    const node = new RedisClusterNode(nodeId, link, onError, options.heartbeat);
    try {
      await link.subscribe([BROADCAST_CHANNEL, nodeChannel(node.nodeId)], (text) => node.#receive(text));
      await node.heartbeat.start();
    } catch (error) {
      await node.close();
      throw error;
    }
    if (options.sharedTasks !== false) node.taskStore = new RedisTaskStore(link);
    return node;
  }

  get available(): boolean {
    return this.link.ready;
  }

  async createSession(session: SharedSession, idleMs: number): Promise<void> {
    const key = sessionKey(session.id);
    await Promise.all([
      this.link.command(key, ['HSET', key, ...sessionFields(session)]),
      this.link.command(key, ['PEXPIRE', key, String(idleMs)]),
    ]);
  }

  async loadSession(id: string): Promise<SharedSession | undefined> {
    const key = sessionKey(id);
    const reply = await this.link.command(key, ['HGETALL', key]);
    return parseSession(id, reply);
  }

  async updateSession(session: SharedSession, idleMs: number): Promise<void> {
    const key = sessionKey(session.id);
    // Only an existing session is updated (a write racing a DELETE must not bring it back): one
    // script, so the check and the write are one command and one round trip.
    await UPDATE_IF_EXISTS.run(this.link, key, [String(idleMs), ...sessionFields(session)]);
    // Stored first: a node that rebuilds the session after the message reads the new state.
    await this.#publish({ type: 'session-changed', session });
  }

  touchSession(id: string, idleMs: number): void {
    const key = sessionKey(id);
    this.#fireAndForget(this.link.command(key, ['PEXPIRE', key, String(idleMs)]));
  }

  async deleteSession(id: string): Promise<void> {
    const key = sessionKey(id);
    // Deleted before the others drop their copies: one of them rebuilding it meanwhile would revive it.
    await this.link.command(key, ['DEL', key]);
    await this.#publish({ type: 'session-ended', sessionId: id });
  }

  publish(message: ClusterMessage, node?: string): void {
    this.#fireAndForget(this.#publish(message, node));
  }

  #publish(message: ClusterMessage, node?: string): Promise<void> {
    const channel = node === undefined ? BROADCAST_CHANNEL : nodeChannel(node);
    return this.link.publish(channel, JSON.stringify({ from: this.nodeId, message }));
  }

  onReconnect(listener: () => void): void {
    this.link.onReconnect(listener);
  }

  onMessage(listener: (message: ClusterMessage) => void): void {
    this.#listeners.add(listener);
  }

  isNodeAlive(nodeId: string): Promise<boolean> {
    return this.heartbeat.isAlive(nodeId);
  }

  /** Stops the heartbeat (its key goes: the other nodes fail this node's open tasks) and disconnects. */
  async close(): Promise<void> {
    this.#listeners.clear();
    await this.heartbeat.stop().catch(this.onError);
    await this.link.close();
  }

  #receive(text: string): void {
    let envelope: { from?: unknown; message?: ClusterMessage };
    try {
      envelope = JSON.parse(text) as typeof envelope;
    } catch (error) {
      this.onError(error);
      return;
    }
    if (envelope.from === this.nodeId || !envelope.message) return;
    for (const listener of this.#listeners) {
      try {
        listener(envelope.message);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  #fireAndForget(pending: Promise<unknown>): void {
    pending.catch(this.onError);
  }
}

function sessionFields(session: SharedSession): string[] {
  return [
    'v',
    session.protocolVersion,
    'ci',
    JSON.stringify(session.clientInfo ?? null),
    'cc',
    JSON.stringify(session.clientCapabilities),
    'll',
    session.logLevel ?? '',
    'in',
    session.initialized ? '1' : '0',
    'sub',
    JSON.stringify(session.subscriptions),
    'p',
    session.principalDigest,
  ];
}

function parseSession(id: string, reply: RedisReply): SharedSession | undefined {
  const fields = hashReply(reply);
  if (fields.v === undefined) return undefined;
  return {
    id,
    protocolVersion: fields.v,
    clientInfo: JSON.parse(fields.ci ?? 'null') ?? undefined,
    clientCapabilities: JSON.parse(fields.cc ?? '{}'),
    logLevel: (fields.ll || undefined) as SharedSession['logLevel'],
    initialized: fields.in === '1',
    subscriptions: JSON.parse(fields.sub ?? '[]'),
    principalDigest: fields.p ?? '',
  };
}
