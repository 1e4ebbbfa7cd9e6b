import type { RedisLink } from './redis-link.js';
import { nodeAliveKey } from './session-keys.js';

/** Named default: how often a node renews its alive key. */
export const HEARTBEAT_INTERVAL_MS = 1000;
/**
 * Named default: how long the key outlives the last renewal. Three beats, so one slow or lost write
 * does not make a live node look dead; a crashed node looks dead within this time.
 */
export const HEARTBEAT_TTL_MS = 3000;

export interface NodeHeartbeatOptions {
  intervalMs?: number;
  ttlMs?: number;
  /** Told when a renewal fails (Redis away); the next beat tries again. */
  onError?: (error: unknown) => void;
}

/**
 * A node's sign of life: one expiring key (`SET … PX`) renewed on a timer, so the other nodes can tell
 * that a node running a task is gone and fail its tasks instead of waiting for them forever.
 */
export class NodeHeartbeat {
  readonly #key: string;
  readonly #intervalMs: number;
  readonly #ttlMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: RedisLink,
    readonly nodeId: string,
    options: NodeHeartbeatOptions = {},
  ) {
    this.#key = nodeAliveKey(nodeId);
    this.#intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.#ttlMs = options.ttlMs ?? HEARTBEAT_TTL_MS;
    this.#onError = options.onError ?? (() => {});
  }

  /** Beats once (resolving when Redis has it), then every interval until `stop`. Idempotent. */
  async start(): Promise<void> {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#beat().catch(this.#onError), this.#intervalMs);
    // A heartbeat alone must not keep a process alive.
    this.#timer.unref();
    await this.#beat();
  }

  /** Stops beating and removes the key, so the others see this node gone at once. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.link.command(this.#key, ['DEL', this.#key]);
  }

  /** Whether `nodeId` beat within the last ttl (this node counts as alive while it beats). */
  async isAlive(nodeId: string): Promise<boolean> {
    if (nodeId === this.nodeId) return this.#timer !== undefined;
    const key = nodeAliveKey(nodeId);
    return (await this.link.command(key, ['EXISTS', key])) === 1;
  }

  async #beat(): Promise<void> {
    await this.link.command(this.#key, ['SET', this.#key, '1', 'PX', String(this.#ttlMs)]);
  }
}
