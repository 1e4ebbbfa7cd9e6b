/**
 * Every runtime limit, named, with its default (docs/limits.md lists them with their errors). The
 * defaults are meant to be safe on a public server; `false` turns a rate limit off.
 */
export interface RateLimit {
  /** Tokens added per second (sustained requests per second). */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

export interface RuntimeLimits {
  /** 2025 sessions this node holds at once (503 + Retry-After above). */
  maxSessions: number;
  /** 2025 sessions one authenticated principal may hold (429 above). */
  maxSessionsPerPrincipal: number;
  /** Requests running at once on this node, all sessions and eras (503 above: load shedding). */
  maxInFlight: number;
  /** Requests running at once in one session or connection (429 above). */
  maxInFlightPerSession: number;
  /** SSE streams one 2025 session may hold open (GET stream plus POST responses; 409 above). */
  maxStreamsPerSession: number;
  /** Event-loop delay (now, or at worst over the last 100 ms) above which new work is shed (503). */
  maxEventLoopDelayMs: number;
  /**
   * Event-loop utilisation (0..1] above which a shrinking share of new work is refused, so admitted
   * work settles near capacity instead of queueing. Default 1 (off): it cannot tell an overloaded
   * process from one that is busy for other reasons, so turn it on (e.g. 0.9) for dedicated servers.
   */
  maxEventLoopUtilization: number;
  /** The `Retry-After` hint given with 503s and 429s when no better estimate exists. */
  retryAfterMs: number;
  /** How long `close()` lets in-flight requests finish before aborting them. */
  drainTimeoutMs: number;
  /** Token-bucket rates: per 2025 session, per authenticated principal, per client IP. */
  rate: {
    perSession: RateLimit | false;
    perPrincipal: RateLimit | false;
    perIp: RateLimit | false;
  };
}

export const LIMIT_DEFAULTS: RuntimeLimits = Object.freeze({
  maxSessions: 100_000,
  maxSessionsPerPrincipal: 100,
  maxInFlight: 4_096,
  maxInFlightPerSession: 64,
  maxStreamsPerSession: 16,
  maxEventLoopDelayMs: 250,
  maxEventLoopUtilization: 1,
  retryAfterMs: 1_000,
  drainTimeoutMs: 10_000,
  rate: Object.freeze({
    perSession: Object.freeze({ perSecond: 1_000, burst: 2_000 }),
    perPrincipal: Object.freeze({ perSecond: 2_000, burst: 4_000 }),
    // Off by default: behind a reverse proxy every client shares one address.
    perIp: false as const,
  }),
});

export type RuntimeLimitsInput = Partial<Omit<RuntimeLimits, 'rate'>> & {
  rate?: Partial<RuntimeLimits['rate']>;
};

/** Merges the caller's limits over the defaults and rejects nonsense at start-up, naming the key. */
export function resolveLimits(input: RuntimeLimitsInput = {}): RuntimeLimits {
  const limits: RuntimeLimits = {
    ...LIMIT_DEFAULTS,
    ...stripUndefined(input),
    rate: { ...LIMIT_DEFAULTS.rate, ...stripUndefined(input.rate ?? {}) },
  };
  for (const key of [
    'maxSessions',
    'maxSessionsPerPrincipal',
    'maxInFlight',
    'maxInFlightPerSession',
    'maxStreamsPerSession',
  ] as const) {
    const value = limits[key];
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`limits.${key} must be an integer >= 1 (got ${String(value)})`);
    }
  }
  const utilization = limits.maxEventLoopUtilization;
  if (!(typeof utilization === 'number' && utilization > 0 && utilization <= 1)) {
    throw new RangeError(`limits.maxEventLoopUtilization must be in (0, 1] (got ${String(utilization)})`);
  }
  for (const key of ['maxEventLoopDelayMs', 'retryAfterMs', 'drainTimeoutMs'] as const) {
    const value = limits[key];
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`limits.${key} must be a number >= 0 (got ${String(value)})`);
    }
  }
  for (const [scope, rate] of Object.entries(limits.rate)) {
    if (rate === false) continue;
    if (!(rate && rate.perSecond > 0 && rate.burst >= 1)) {
      throw new RangeError(
        `limits.rate.${scope} must be false or { perSecond > 0, burst >= 1 } (got ${JSON.stringify(rate)})`,
      );
    }
  }
  return limits;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
