import type { InputRequest } from '../protocol/types.js';
import type { PeerLink } from './exchange.js';

/** How a handler's `ctx.elicit/sample/listRoots` reaches the client in the current era and mode. */
export interface InputChannel {
  /** `key` names the request in a 2026 `inputRequests` map (default `input-<n>`). */
  ask(request: InputRequest, key?: string): Promise<unknown>;
}

/** 2025 era: a real server→client request on the session. */
export class LinkInputChannel implements InputChannel {
  /** `abort.signal` is read only when input is asked for, so requests that never ask create none. */
  constructor(
    private readonly link: PeerLink,
    private readonly abort: { readonly signal: AbortSignal },
    private readonly timeoutMs: number,
    private readonly extraMeta?: Record<string, unknown>,
  ) {}

  ask(request: InputRequest): Promise<unknown> {
    const params = { ...(request.params ?? {}) } as Record<string, unknown>;
    if (this.extraMeta) params._meta = { ...(params._meta as object | undefined), ...this.extraMeta };
    return this.link.request(request.method, params, {
      signal: this.abort.signal,
      timeoutMs: this.timeoutMs,
    });
  }
}

/**
 * Thrown (and caught by the dispatcher) when a 2026 handler asks for input not yet answered.
 * Handlers must let it propagate: code before an input request runs again on the retry.
 */
export class InputRequiredSignal extends Error {
  override readonly name = 'InputRequiredSignal';
  constructor() {
    super('Input required from the client (2026 multi round-trip request)');
  }
}

/**
 * 2026 era: deterministic replay. The n-th input call returns the n-th recorded answer; the first
 * unanswered one (and any issued alongside it) is collected and the run stops.
 */
export class ReplayInputChannel implements InputChannel {
  #next = 0;
  readonly pending: Record<string, InputRequest> = {};

  constructor(readonly answers: Record<string, unknown>) {}

  get hasPending(): boolean {
    for (const _ in this.pending) return true;
    return false;
  }

  ask(request: InputRequest, name?: string): Promise<unknown> {
    const key = name ?? `input-${this.#next++}`;
    if (key in this.answers) return Promise.resolve(this.answers[key]);
    this.pending[key] = request;
    return Promise.reject(new InputRequiredSignal());
  }
}
