import { channels } from '../core/diagnostics.js';
import {
  draining,
  type LimitError,
  overloaded,
  rateLimited,
  tooManyInFlight,
  tooManySessions,
} from './limit-errors.js';
import { type RuntimeLimits, type RuntimeLimitsInput, resolveLimits } from './limits.js';
import { LoadShedder } from './load-shedder.js';
import { KeyedRateLimiter } from './token-bucket.js';

/** Who is asking, as far as the transport knows; every field is optional. */
export interface RequestScope {
  sessionId?: string | undefined;
  principal?: string | undefined;
  ip?: string | undefined;
  /** Requests of the same session or connection already running. */
  sessionInFlight?: number;
  /** For the `erlmcp:limit:refused` event. */
  transport?: string | undefined;
}

/** Ends a running request with the given error response now (its handler is aborted). */
export type Kill = (error: LimitError) => void;

/** Methods answered even under load: liveness must not be shed with the work it reports on. */
const NEVER_SHED = new Set(['ping']);

/**
 * Owns what a node runs: admission of new requests and sessions against every limit, the count
 * of requests in flight, and the drain on shutdown. A handler's failure or hang stays inside its
 * request (the runner converts throws and enforces deadlines); the supervisor only decides what
 * may start and ends what is left when the node goes away.
 */
export class Supervisor {
  #limits!: RuntimeLimits;
  #shedder!: LoadShedder;
  readonly #running = new Set<Kill>();
  readonly #sessionsByPrincipal = new Map<string, number>();
  #rateBySession: KeyedRateLimiter | undefined;
  #rateByPrincipal: KeyedRateLimiter | undefined;
  #rateByIp: KeyedRateLimiter | undefined;
  #sessions = 0;
  #draining = false;
  #idle: (() => void) | undefined;
  #drained: Promise<void> | undefined;
  #started = 0;

  constructor(limits: RuntimeLimitsInput = {}) {
    this.#apply(resolveLimits(limits));
  }

  get limits(): RuntimeLimits {
    return this.#limits;
  }

  get shedder(): LoadShedder {
    return this.#shedder;
  }

  /** Changes limits before serving starts (e.g. from the CLI's configuration); merged over the current ones. */
  configure(limits: RuntimeLimitsInput): void {
    if (this.#started > 0) throw new Error('Limits can only be changed before the server starts serving');
    this.#apply(
      resolveLimits({ ...this.#limits, ...limits, rate: { ...this.#limits.rate, ...limits.rate } }),
    );
  }

  #apply(limits: RuntimeLimits): void {
    this.#limits = limits;
    this.#shedder = new LoadShedder(limits.maxEventLoopDelayMs, 50, limits.maxEventLoopUtilization);
    const { perSession, perPrincipal, perIp } = limits.rate;
    this.#rateBySession = perSession ? new KeyedRateLimiter(perSession) : undefined;
    this.#rateByPrincipal = perPrincipal ? new KeyedRateLimiter(perPrincipal) : undefined;
    this.#rateByIp = perIp ? new KeyedRateLimiter(perIp) : undefined;
  }

  /** A transport starts serving (reference-counted: the load monitor runs while any does). */
  start(): void {
    if (this.#started++ === 0) this.#shedder.start();
  }

  stop(): void {
    if (this.#started > 0 && --this.#started === 0) this.#shedder.stop();
  }

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#running.size;
  }

  get sessions(): number {
    return this.#sessions;
  }

  /** Whether new work would be shed right now (for readiness probes). */
  get overloaded(): boolean {
    return this.#draining || this.#shedder.overloaded || this.#running.size >= this.#limits.maxInFlight;
  }

  /** The refusal for a new request, or undefined to admit it. Cheap: counters and one Map lookup. */
  admitRequest(method: string, scope: RequestScope): LimitError | undefined {
    if (NEVER_SHED.has(method)) return undefined;
    const refusal = this.#admit(scope);
    if (refusal && channels.refused.hasSubscribers) publishRefusal(method, refusal, scope);
    return refusal;
  }

  /** What refuses any new work: draining, then a shedding load monitor. */
  #closedOrShedding(): LimitError | undefined {
    if (this.#draining) return draining(this.#limits.retryAfterMs);
    if (this.#shedder.shouldShed()) return this.#shedRefusal();
    return undefined;
  }

  #admit(scope: RequestScope): LimitError | undefined {
    const limits = this.#limits;
    const closed = this.#closedOrShedding();
    if (closed) return closed;
    if (this.#running.size >= limits.maxInFlight) {
      return overloaded(`${this.#running.size} requests in flight`, limits.retryAfterMs, 'maxInFlight');
    }
    if ((scope.sessionInFlight ?? 0) >= limits.maxInFlightPerSession) {
      return tooManyInFlight(limits.maxInFlightPerSession, limits.retryAfterMs);
    }
    return this.#takeRate(scope);
  }

  /** The refusal for a new 2025 session, or undefined; call `sessionOpened` once it exists. */
  admitSession(scope: RequestScope): LimitError | undefined {
    const refusal = this.#admitSession(scope);
    // Reported as a refused `initialize`: a session cap is a limit like any other on the dashboard.
    if (refusal && channels.refused.hasSubscribers) publishRefusal('initialize', refusal, scope);
    return refusal;
  }

  /**
   * The refusal for a connection that will open a session later (the 2024-11-05 GET stream), or
   * undefined. Spends no rate token: the session's `initialize` is admitted (and counted) then.
   */
  admitConnection(scope: RequestScope): LimitError | undefined {
    const refusal = this.#closedOrShedding() ?? this.#atSessionCap();
    if (refusal && channels.refused.hasSubscribers) publishRefusal('initialize', refusal, scope);
    return refusal;
  }

  #atSessionCap(): LimitError | undefined {
    const limits = this.#limits;
    if (this.#sessions < limits.maxSessions) return undefined;
    return tooManySessions('maxSessions', limits.maxSessions, limits.retryAfterMs);
  }

  #admitSession(scope: RequestScope): LimitError | undefined {
    const limits = this.#limits;
    const closed = this.#closedOrShedding() ?? this.#atSessionCap();
    if (closed) return closed;
    const principal = scope.principal;
    if (
      principal !== undefined &&
      (this.#sessionsByPrincipal.get(principal) ?? 0) >= limits.maxSessionsPerPrincipal
    ) {
      return tooManySessions('maxSessionsPerPrincipal', limits.maxSessionsPerPrincipal, limits.retryAfterMs);
    }
    return this.#takeRate({ ip: scope.ip, principal });
  }

  sessionOpened(principal: string | undefined): void {
    this.#sessions++;
    if (principal !== undefined)
      this.#sessionsByPrincipal.set(principal, (this.#sessionsByPrincipal.get(principal) ?? 0) + 1);
  }

  sessionClosed(sessionId: string, principal: string | undefined): void {
    this.#sessions--;
    this.#rateBySession?.forget(sessionId);
    if (principal === undefined) return;
    const left = (this.#sessionsByPrincipal.get(principal) ?? 1) - 1;
    if (left <= 0) this.#sessionsByPrincipal.delete(principal);
    else this.#sessionsByPrincipal.set(principal, left);
  }

  /** Registers a running request; the returned function releases it (call exactly once). */
  enter(kill: Kill): () => void {
    this.#running.add(kill);
    return () => {
      this.#running.delete(kill);
      if (this.#running.size === 0) this.#idle?.();
    };
  }

  /**
   * Stops admitting (new requests get 503 "draining"), waits for running requests up to `timeoutMs`,
   * then ends the rest with that error. Idempotent: a second call waits for the same outcome.
   */
  drain(timeoutMs = this.#limits.drainTimeoutMs): Promise<void> {
    this.#draining = true;
    this.#drained ??= (async () => {
      if (this.#running.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          this.#idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      this.destroy();
    })();
    return this.#drained;
  }

  /** Ends every running request at once with a "draining" error. Idempotent. */
  destroy(): void {
    this.#draining = true;
    const error = draining(this.#limits.retryAfterMs);
    for (const kill of [...this.#running]) kill(error);
    this.#running.clear();
    this.#shedder.stop();
  }

  #shedRefusal(): LimitError {
    const shedder = this.#shedder;
    const blocked = shedder.delayMs > this.#limits.maxEventLoopDelayMs;
    return blocked
      ? overloaded(
          `event-loop delay ${Math.round(shedder.delayMs)} ms`,
          this.#limits.retryAfterMs,
          'maxEventLoopDelayMs',
        )
      : overloaded(
          `event-loop utilisation ${Math.round(shedder.utilization * 100)}%`,
          this.#limits.retryAfterMs,
          'maxEventLoopUtilization',
        );
  }

  #takeRate(scope: RequestScope): LimitError | undefined {
    return (
      take('perIp', this.#rateByIp, scope.ip) ??
      take('perPrincipal', this.#rateByPrincipal, scope.principal) ??
      take('perSession', this.#rateBySession, scope.sessionId)
    );
  }
}

function publishRefusal(method: string, refusal: LimitError, scope: RequestScope): void {
  channels.refused.publish({
    method,
    reason: refusal.reason,
    limit: (refusal.data as { limit?: string }).limit,
    transport: scope.transport ?? 'custom',
  });
}

function take(
  scope: 'perIp' | 'perPrincipal' | 'perSession',
  limiter: KeyedRateLimiter | undefined,
  key: string | undefined,
): LimitError | undefined {
  if (limiter === undefined || key === undefined) return undefined;
  const wait = limiter.take(key);
  return wait > 0 ? rateLimited(scope, wait) : undefined;
}
