import * as crypto from 'node:crypto';
import type { AuthInfo } from '../../core/auth-info.js';

// Node >= 20.12 / 21.7 hashes in one call (about twice as fast as a Hash object); older has only the object.
const oneShotHash = (
  crypto as unknown as { hash?: (algorithm: string, data: string, output: 'binary') => string }
).hash;

/**
 * Tokens already verified, keyed by a SHA-256 of the token (the raw token is never a key), kept
 * until they expire: a repeat request costs one hash and one map lookup instead of a signature
 * check. Bounded: past `maxEntries` the oldest entry goes.
 */
/** A verified token's credentials and the time (ms) they stop being trusted. */
export interface VerifiedEntry {
  readonly info: AuthInfo;
  readonly until: number;
}

export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedEntry>();

  constructor(
    private readonly maxEntries: number,
    /** Longest a token stays trusted without a new check, even if it expires later (revocation). */
    private readonly maxAgeMs: number,
  ) {}

  /** The cache key of a token: its SHA-256, as a binary string (cheaper than base64 and just as unique). */
  key(token: string): string {
    return oneShotHash
      ? oneShotHash('sha256', token, 'binary')
      : crypto.createHash('sha256').update(token).digest('binary');
  }

  get(key: string, now: number): VerifiedEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  put(key: string, info: AuthInfo, now: number): void {
    const expires = info.expiresAt === undefined ? Number.POSITIVE_INFINITY : info.expiresAt * 1000;
    const until = Math.min(expires, now + this.maxAgeMs);
    if (until <= now) return;
    // A renewed entry replaces itself (and moves to the end); only a new one makes room.
    if (this.#entries.delete(key) === false && this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { info, until });
  }

  get size(): number {
    return this.#entries.size;
  }
}
