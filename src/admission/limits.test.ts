import { describe, expect, it } from 'vitest';
import { LIMIT_DEFAULTS, resolveLimits } from './limits.js';

describe('resolveLimits', () => {
  it('returns the defaults when nothing is given, safe for a public server', () => {
    const limits = resolveLimits();
    expect(limits).toEqual(LIMIT_DEFAULTS);
    expect(limits).not.toBe(LIMIT_DEFAULTS);
    expect(limits.rate.perIp).toBe(false);
    expect(Object.isFrozen(LIMIT_DEFAULTS)).toBe(true);
  });

  it('merges the given keys over the defaults, rate scopes one by one, ignoring undefined', () => {
    const limits = resolveLimits({
      maxInFlight: 8,
      maxSessions: undefined,
      rate: { perSession: { perSecond: 20, burst: 20 }, perPrincipal: undefined },
    } as unknown as Parameters<typeof resolveLimits>[0]);
    expect(limits.maxInFlight).toBe(8);
    expect(limits.maxSessions).toBe(LIMIT_DEFAULTS.maxSessions);
    expect(limits.rate).toEqual({
      perSession: { perSecond: 20, burst: 20 },
      perPrincipal: LIMIT_DEFAULTS.rate.perPrincipal,
      perIp: false,
    });
  });

  it('turns a rate scope off with false, and accepts 0 for the millisecond limits', () => {
    const limits = resolveLimits({
      rate: { perSession: false },
      maxEventLoopDelayMs: 0,
      retryAfterMs: 0,
      drainTimeoutMs: 0,
    });
    expect(limits.rate.perSession).toBe(false);
    expect([limits.maxEventLoopDelayMs, limits.retryAfterMs, limits.drainTimeoutMs]).toEqual([0, 0, 0]);
  });

  it.each([
    ['maxSessions', 0],
    ['maxSessionsPerPrincipal', -1],
    ['maxInFlight', 1.5],
    ['maxInFlightPerSession', Number.NaN],
    ['maxStreamsPerSession', Number.POSITIVE_INFINITY],
    ['maxInFlight', '8'],
  ])('rejects %s = %s as not an integer >= 1, naming the key', (key, value) => {
    expect(() => resolveLimits({ [key]: value } as Parameters<typeof resolveLimits>[0])).toThrow(
      new RangeError(`limits.${key} must be an integer >= 1 (got ${String(value)})`),
    );
  });

  it.each([
    ['maxEventLoopDelayMs', -1],
    ['retryAfterMs', Number.NaN],
    ['drainTimeoutMs', Number.POSITIVE_INFINITY],
    ['retryAfterMs', '1000'],
  ])('rejects %s = %s as not a number >= 0, naming the key', (key, value) => {
    expect(() => resolveLimits({ [key]: value } as Parameters<typeof resolveLimits>[0])).toThrow(
      new RangeError(`limits.${key} must be a number >= 0 (got ${String(value)})`),
    );
  });

  it.each([
    ['perSession', { perSecond: 0, burst: 10 }],
    ['perPrincipal', { perSecond: 10, burst: 0 }],
    ['perIp', { perSecond: -5, burst: 5 }],
    ['perIp', true],
    ['perSession', null],
  ])('rejects rate.%s = %j, naming the scope', (scope, rate) => {
    expect(() => resolveLimits({ rate: { [scope]: rate } } as Parameters<typeof resolveLimits>[0])).toThrow(
      new RangeError(
        `limits.rate.${scope} must be false or { perSecond > 0, burst >= 1 } (got ${JSON.stringify(rate)})`,
      ),
    );
  });

  it('is a RangeError a caller can tell from other start-up failures', () => {
    expect(() => resolveLimits({ maxSessions: 0 })).toThrow(RangeError);
  });
});
