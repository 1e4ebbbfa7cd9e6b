import type { RateLimit } from './limits.js';

/**
 * Token buckets by key (a session id, a principal, an IP), refilled lazily on use: no timers, and
 * one Map entry per active key. Buckets that have refilled completely carry no information, so a
 * periodic sweep drops them and the map stays bounded by the keys active in the last window.
 */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; updatedAt: number }>();
  readonly #perMs: number;
  #lastSweep: number;

  constructor(
    readonly rate: RateLimit,
    private readonly now: () => number = performanceNow,
  ) {
    this.#perMs = rate.perSecond / 1000;
    this.#lastSweep = now();
  }

  /** Takes one token; returns 0 when admitted, else the milliseconds until a token is available. */
  take(key: string): number {
    const now = this.now();
    if (now - this.#lastSweep > this.#fullAfterMs()) this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.rate.burst, updatedAt: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.rate.burst, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#perMs);
  }

  /** Forgets a key at once (a session ended). */
  forget(key: string): void {
    this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #fullAfterMs(): number {
    return Math.max(1000, this.rate.burst / this.#perMs);
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    const fullAfter = this.#fullAfterMs();
    for (const [key, bucket] of this.#buckets)
      if (now - bucket.updatedAt >= fullAfter) this.#buckets.delete(key);
  }
}

function performanceNow(): number {
  return performance.now();
}
