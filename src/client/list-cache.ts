/**
 * 2026 list/read results cached for their `ttlMs` (capped at a day), keyed by method and the params
 * that shape the result; list_changed and resources/updated drop entries at once.
 */
export const MAX_CACHE_TTL_MS = 86_400_000;
/** Named limit: entries kept before the oldest are dropped. */
export const MAX_CACHE_ENTRIES = 1000;

interface Entry {
  expiresAt: number;
  result: Record<string, unknown>;
}

export class ListCache {
  readonly #entries = new Map<string, Entry>();

  get(key: string): Record<string, unknown> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.result;
  }

  put(key: string, result: Record<string, unknown>): void {
    const ttl = typeof result.ttlMs === 'number' ? Math.min(result.ttlMs, MAX_CACHE_TTL_MS) : 0;
    if (!(ttl > 0)) return;
    if (this.#entries.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { expiresAt: Date.now() + ttl, result });
  }

  /** Drops every entry of a method (list_changed) or one key (resources/updated). */
  invalidate(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

export function cacheKey(method: string, detail: unknown): string {
  return `${method}\u0000${detail === undefined ? '' : JSON.stringify(detail)}`;
}
