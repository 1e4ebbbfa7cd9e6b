import type { RequestId } from '../protocol/types.js';
import { ErlmcpError, McpError } from './errors.js';
import type { JsonRpcResponse } from './message.js';

export interface PendingOptions {
  /** Time without progress before the request fails; Infinity for long-lived requests. */
  timeoutMs: number;
  /** Ceiling even when progress keeps resetting the timeout. */
  maxTotalTimeoutMs?: number;
  signal?: AbortSignal;
  onCancel?: (reason: unknown) => void;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
  startedAt: number;
  options: PendingOptions;
  abortListener?: () => void;
}

/**
 * Correlates outgoing requests with their responses by id, with a per-request timeout that
 * progress can reset up to a hard maximum. Knows nothing of MCP or I/O.
 */
export class PendingRequests {
  readonly #pending = new Map<RequestId, Pending>();
  #nextId = 0;

  /** `idPrefix` makes ids strings that name their sender (a cluster node: answers find their way back). */
  constructor(private readonly idPrefix?: string) {}

  nextId(): RequestId {
    this.#nextId += 1;
    return this.idPrefix === undefined ? this.#nextId : `${this.idPrefix}${this.#nextId}`;
  }

  get size(): number {
    return this.#pending.size;
  }

  track(id: RequestId, options: PendingOptions): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(cancelledError(options.signal.reason));
        return;
      }
      const entry: Pending = {
        resolve,
        reject,
        startedAt: Date.now(),
        options,
        timer: Number.isFinite(options.timeoutMs)
          ? setTimeout(() => this.#timeout(id), options.timeoutMs)
          : undefined,
      };
      if (options.signal) {
        const listener = () => {
          this.#settle(id)?.reject(cancelledError(options.signal?.reason));
          options.onCancel?.(options.signal?.reason);
        };
        entry.abortListener = listener;
        options.signal.addEventListener('abort', listener, { once: true });
      }
      this.#pending.set(id, entry);
    });
  }

  /** Returns false when no request with this id is pending (an unknown or late response). */
  resolve(response: JsonRpcResponse): boolean {
    if (response.id === null) return false;
    const entry = this.#settle(response.id);
    if (!entry) return false;
    if ('error' in response) entry.reject(McpError.fromJson(response.error));
    else entry.resolve(response.result);
    return true;
  }

  /** Fails one request locally (its transport could not carry it); false when it is not pending. */
  fail(id: RequestId, error: Error): boolean {
    const entry = this.#settle(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Progress arrived: restart the idle timer unless the hard maximum is reached. */
  touch(id: RequestId): void {
    const entry = this.#pending.get(id);
    if (!entry || entry.timer === undefined) return;
    const max = entry.options.maxTotalTimeoutMs;
    const elapsed = Date.now() - entry.startedAt;
    if (max !== undefined && elapsed >= max) return;
    clearTimeout(entry.timer);
    const next =
      max === undefined ? entry.options.timeoutMs : Math.min(entry.options.timeoutMs, max - elapsed);
    entry.timer = setTimeout(() => this.#timeout(id), next);
  }

  rejectAll(error: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(error);
  }

  #timeout(id: RequestId): void {
    const entry = this.#settle(id);
    if (!entry) return;
    const elapsed = Date.now() - entry.startedAt;
    entry.reject(
      new ErlmcpError('ERR_REQUEST_TIMEOUT', `Request ${String(id)} timed out after ${elapsed} ms`),
    );
    entry.options.onCancel?.(new Error('timeout'));
  }

  #settle(id: RequestId): Pending | undefined {
    const entry = this.#pending.get(id);
    if (!entry) return undefined;
    this.#pending.delete(id);
    clearTimeout(entry.timer);
    if (entry.abortListener) entry.options.signal?.removeEventListener('abort', entry.abortListener);
    return entry;
  }
}

function cancelledError(reason: unknown): ErlmcpError {
  const detail = reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
  return new ErlmcpError('ERR_REQUEST_CANCELLED', `Request cancelled${detail ? `: ${detail}` : ''}`, {
    cause: reason,
  });
}
