import { McpError } from '../jsonrpc/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';

/** Why new work was refused; each has its own wire code and HTTP status (docs/limits.md). */
export type RefusalReason =
  | 'overloaded'
  | 'draining'
  | 'rate_limited'
  | 'too_many_sessions'
  | 'too_many_in_flight'
  | 'too_many_streams'
  | 'unavailable';

/**
 * A refusal by the runtime: a wire error whose `data` says which limit and when to retry, and the
 * HTTP status a transport answers with. Refusals are cheap by design: no handler ran.
 */
export class LimitError extends McpError {
  constructor(
    code: number,
    message: string,
    readonly reason: RefusalReason,
    readonly httpStatus: number,
    readonly retryAfterMs: number | undefined,
    limit?: string,
  ) {
    super(code, message, {
      reason,
      ...(limit === undefined ? {} : { limit }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  /** Whole seconds for the `Retry-After` header (at least 1). */
  get retryAfterSeconds(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}

export const overloaded = (detail: string, retryAfterMs: number, limit: string) =>
  new LimitError(
    ErrorCode.Overloaded,
    `Server overloaded: ${detail}; retry later`,
    'overloaded',
    503,
    retryAfterMs,
    limit,
  );

export const draining = (retryAfterMs: number) =>
  new LimitError(
    ErrorCode.Overloaded,
    'Server is shutting down; retry on another node',
    'draining',
    503,
    retryAfterMs,
  );

export const rateLimited = (scope: string, retryAfterMs: number) =>
  new LimitError(
    ErrorCode.RateLimited,
    `Rate limit exceeded (${scope}); retry in ${retryAfterMs} ms`,
    'rate_limited',
    429,
    retryAfterMs,
    `rate.${scope}`,
  );

export const tooManySessions = (
  limit: 'maxSessions' | 'maxSessionsPerPrincipal',
  max: number,
  retryAfterMs: number,
) =>
  new LimitError(
    ErrorCode.LimitExceeded,
    `Too many sessions: ${limit} is ${max}`,
    'too_many_sessions',
    limit === 'maxSessions' ? 503 : 429,
    retryAfterMs,
    limit,
  );

export const tooManyInFlight = (max: number, retryAfterMs: number) =>
  new LimitError(
    ErrorCode.LimitExceeded,
    `Too many requests in flight in this session: maxInFlightPerSession is ${max}`,
    'too_many_in_flight',
    429,
    retryAfterMs,
    'maxInFlightPerSession',
  );

export const tooManyStreams = (max: number) =>
  new LimitError(
    ErrorCode.LimitExceeded,
    `Too many open streams in this session: maxStreamsPerSession is ${max}`,
    'too_many_streams',
    409,
    undefined,
    'maxStreamsPerSession',
  );

/** The cluster's shared store (Redis) is unreachable: what needs it waits until it is back. */
export const sharedStateUnavailable = (retryAfterMs: number) =>
  new LimitError(
    ErrorCode.Overloaded,
    'The shared session store is unreachable; retry shortly',
    'unavailable',
    503,
    retryAfterMs,
    'redis',
  );
