import { ErlmcpError, isLocalFailure, McpError } from '../../jsonrpc/errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before it lets a probe through. Default 10 s. */
  openMs?: number;
  /** Probes let through while half-open; later calls fail fast until one settles. Default 1. */
  halfOpenMaxCalls?: number;
  /** Which errors count against the upstream. Default: `isTransportFailure`. */
  isFailure?: (error: unknown) => boolean;
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number;
}

export const CIRCUIT_BREAKER_DEFAULTS = {
  failureThreshold: 5,
  openMs: 10_000,
  halfOpenMaxCalls: 1,
} as const;

/**
 * Whether an error says the upstream is unhealthy. A JSON-RPC error (`McpError`, e.g. -32602) came
 * from a server that answered, and a cancellation was the caller's choice: neither counts, except
 * -32010 Overloaded (the upstream is shedding load).
 * Everything else does: timeouts, a closed connection, network errors.
 */
export function isTransportFailure(error: unknown): boolean {
  // An upstream shedding load answered, but backing off is exactly what it asked for.
  // An HTTP request that got no answer reaches the caller as a made-up -32603: a transport failure.
  if (error instanceof McpError) return error.code === ErrorCode.Overloaded || isLocalFailure(error);
  return !(error instanceof ErlmcpError && error.code === 'ERR_REQUEST_CANCELLED');
}

/** Thrown by `run` without calling the function while the circuit is open. */
export class CircuitOpenError extends ErlmcpError {
  constructor(
    /** Ms until the circuit admits a probe; 0 while a probe is in flight (its outcome decides). */
    readonly retryAfterMs: number,
  ) {
    super(
      'ERR_CIRCUIT_OPEN',
      retryAfterMs > 0
        ? `Circuit open: upstream failing, next probe in ${retryAfterMs} ms`
        : 'Circuit half-open: a probe of the upstream is in flight',
    );
  }
}

type StateListener = (state: CircuitState, previous: CircuitState) => void;

/**
 * Fails fast when an upstream keeps failing, so callers stop queueing behind timeouts:
 * closed → open after `failureThreshold` consecutive failures → half-open after `openMs` (a few
 * probes) → closed on a probe's success, open again on its failure. Pure: time comes from `now`,
 * and open → half-open happens when the state is next looked at, not on a timer.
 */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #openMs: number;
  readonly #halfOpenMaxCalls: number;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #now: () => number;
  readonly #listeners = new Set<StateListener>();
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probes = 0;
  // Bumped on every transition: an outcome of a call started in an earlier state is stale.
  #generation = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#failureThreshold = options.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold;
    this.#openMs = options.openMs ?? CIRCUIT_BREAKER_DEFAULTS.openMs;
    this.#halfOpenMaxCalls = options.halfOpenMaxCalls ?? CIRCUIT_BREAKER_DEFAULTS.halfOpenMaxCalls;
    this.#isFailure = options.isFailure ?? isTransportFailure;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#openMs) {
      this.#transition('half-open');
    }
    return this.#state;
  }

  /** Calls `listener` on every transition; returns the unsubscribe. */
  onStateChange(listener: StateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs `fn` unless the circuit is open, recording its outcome. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open') {
      throw new CircuitOpenError(Math.max(1, this.#openedAt + this.#openMs - this.#now()));
    }
    if (state === 'half-open') {
      if (this.#probes >= this.#halfOpenMaxCalls) throw new CircuitOpenError(0);
      this.#probes++;
    }
    const generation = this.#generation;
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      if (generation === this.#generation) this.#record(this.#isFailure(error));
      throw error;
    }
    if (generation === this.#generation) this.#record(false);
    return result;
  }

  #record(failed: boolean): void {
    if (this.#state === 'half-open') {
      // A probe that settles without an upstream failure proves the upstream answers again.
      this.#transition(failed ? 'open' : 'closed');
    } else if (!failed) {
      this.#failures = 0;
    } else if (++this.#failures >= this.#failureThreshold) {
      this.#transition('open');
    }
  }

  #transition(next: CircuitState): void {
    const previous = this.#state;
    this.#state = next;
    this.#generation++;
    this.#failures = 0;
    this.#probes = 0;
    if (next === 'open') this.#openedAt = this.#now();
    for (const listener of this.#listeners) {
      try {
        listener(next, previous);
      } catch {
        // A listener's bug must not change the outcome of the call that caused the transition.
      }
    }
  }
}
