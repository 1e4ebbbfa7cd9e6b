import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../protocol/error-codes.js';
import type { LimitError } from './limit-errors.js';
import type { RuntimeLimitsInput } from './limits.js';
import { type RequestScope, Supervisor } from './supervisor.js';

const supervisors: Supervisor[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const supervisor of supervisors.splice(0)) supervisor.destroy();
});

// One token per 1000 s: a bucket drained in a test stays drained for the test.
const SLOW = { perSecond: 0.001, burst: 1 };

function supervisor(limits: RuntimeLimitsInput = {}): Supervisor {
  const created = new Supervisor({ retryAfterMs: 2_500, ...limits });
  supervisors.push(created);
  return created;
}

/**
 * Forces the event-loop monitor's verdict (a loop blocked for 1 s) without blocking the loop. Spies on
 * the monitor's public face only: its readiness verdict, its delay, and its per-request decision
 * where it has one, so the admission order is tested whatever signal the monitor derives it from.
 */
function overloadLoop(target: Supervisor) {
  const shedder = target.shedder;
  const spies: { mockRestore(): void }[] = [
    vi.spyOn(shedder, 'overloaded', 'get').mockReturnValue(true),
    vi.spyOn(shedder, 'delayMs', 'get').mockReturnValue(1_000),
  ];
  const decides = shedder as unknown as { shouldShed?: () => boolean };
  if (typeof decides.shouldShed === 'function') {
    spies.push(vi.spyOn(decides as { shouldShed: () => boolean }, 'shouldShed').mockReturnValue(true));
  }
  return {
    calm: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/**
 * Registers `n` running requests; returns their kill spies and release functions. Like the request
 * runner, a killed request answers with the error and releases its slot.
 */
function run(target: Supervisor, n: number) {
  const kills: ReturnType<typeof vi.fn<(error: LimitError) => void>>[] = [];
  const releases: (() => void)[] = [];
  for (let i = 0; i < n; i++) {
    const kill = vi.fn<(error: LimitError) => void>(() => release());
    const release = target.enter(kill);
    kills.push(kill);
    releases.push(release);
  }
  return { kills, releases };
}

type Condition = 'draining' | 'loop' | 'inFlight' | 'perSession' | 'ip' | 'principal' | 'session';
const ALL: Condition[] = ['draining', 'loop', 'inFlight', 'perSession', 'ip', 'principal', 'session'];
const SCOPE: RequestScope = { sessionId: 's', principal: 'p', ip: 'ip', sessionInFlight: 0 };

/**
 * A supervisor where the given limits are all hit at once; returns which limit a request is
 * refused by (`data.limit`, or the reason when no limit is named), or 'admitted'.
 */
function refusedBy(conditions: Condition[], method = 'tools/call'): string {
  const target = supervisor({
    maxInFlight: 2,
    maxInFlightPerSession: 1,
    rate: { perIp: SLOW, perPrincipal: SLOW, perSession: SLOW },
  });
  const has = (condition: Condition) => conditions.includes(condition);
  // Drain each rate bucket alone (undefined keys skip their scope), before any count limit is hit.
  if (has('ip')) expect(target.admitRequest('x', { ip: 'ip' })).toBeUndefined();
  if (has('principal')) expect(target.admitRequest('x', { principal: 'p' })).toBeUndefined();
  if (has('session')) expect(target.admitRequest('x', { sessionId: 's' })).toBeUndefined();
  if (has('inFlight')) run(target, 2);
  if (has('loop')) overloadLoop(target);
  if (has('draining')) void target.drain(60_000);
  const scope = { ...SCOPE, sessionInFlight: has('perSession') ? 1 : 0 };
  const refusal = target.admitRequest(method, scope);
  if (!refusal) return 'admitted';
  const data = refusal.data as { limit?: string };
  return data.limit ?? refusal.reason;
}

describe('Supervisor: request admission', () => {
  it('admits when no limit is reached; rejects invalid limits at construction', () => {
    expect(refusedBy([])).toBe('admitted');
    expect(() => new Supervisor({ maxInFlight: 0 })).toThrow(/limits\.maxInFlight/);
  });

  it('checks draining, event-loop delay, maxInFlight, maxInFlightPerSession, then rates per ip, principal, session', () => {
    const order: string[] = [];
    for (let first = 0; first < ALL.length; first++) order.push(refusedBy(ALL.slice(first)));
    expect(order).toEqual([
      'draining',
      'maxEventLoopDelayMs',
      'maxInFlight',
      'maxInFlightPerSession',
      'rate.perIp',
      'rate.perPrincipal',
      'rate.perSession',
    ]);
  });

  it('never sheds ping, even while draining and overloaded', () => {
    expect(refusedBy(ALL, 'ping')).toBe('admitted');
  });

  it('gives each refusal its wire code, HTTP status and retry hint', () => {
    const target = supervisor({ maxInFlight: 1, maxInFlightPerSession: 1, rate: { perSession: SLOW } });
    const { releases } = run(target, 1);
    expect(target.admitRequest('tools/call', {})).toMatchObject({
      code: ErrorCode.Overloaded,
      httpStatus: 503,
      retryAfterMs: 2_500,
      retryAfterSeconds: 3,
      data: { reason: 'overloaded', limit: 'maxInFlight', retryAfterMs: 2_500 },
    });
    releases[0]!();
    expect(target.admitRequest('tools/call', { sessionInFlight: 1 })).toMatchObject({
      code: ErrorCode.LimitExceeded,
      httpStatus: 429,
      retryAfterMs: 2_500,
      data: { reason: 'too_many_in_flight', limit: 'maxInFlightPerSession' },
    });
    expect(target.admitRequest('tools/call', { sessionId: 'a' })).toBeUndefined();
    const rated = target.admitRequest('tools/call', { sessionId: 'a' });
    // The rate refusal's hint is the bucket's own wait (1000 s), not the generic retryAfterMs.
    expect(rated).toMatchObject({
      code: ErrorCode.RateLimited,
      httpStatus: 429,
      retryAfterMs: 1_000_000,
      data: { reason: 'rate_limited', limit: 'rate.perSession' },
    });
    // Another session has its own bucket.
    expect(target.admitRequest('tools/call', { sessionId: 'b' })).toBeUndefined();
  });

  it('forgets a session’s rate bucket when the session closes', () => {
    const target = supervisor({ rate: { perSession: SLOW } });
    target.sessionOpened(undefined);
    expect(target.admitRequest('tools/call', { sessionId: 's' })).toBeUndefined();
    expect(target.admitRequest('tools/call', { sessionId: 's' })).toBeDefined();
    target.sessionClosed('s', undefined);
    expect(target.admitRequest('tools/call', { sessionId: 's' })).toBeUndefined();
  });

  it('reports overloaded for readiness while draining, shedding or full', () => {
    const target = supervisor({ maxInFlight: 1 });
    expect(target.overloaded).toBe(false);
    const { releases } = run(target, 1);
    expect([target.inFlight, target.overloaded]).toEqual([1, true]);
    releases[0]!();
    expect([target.inFlight, target.overloaded]).toEqual([0, false]);
    const loop = overloadLoop(target);
    expect(target.overloaded).toBe(true);
    loop.calm();
    expect(target.overloaded).toBe(false);
    target.destroy();
    expect([target.draining, target.overloaded]).toEqual([true, true]);
  });
});

describe('Supervisor: session admission', () => {
  it('checks draining, event-loop delay, maxSessions, maxSessionsPerPrincipal, then rates', () => {
    const limits = { maxSessions: 2, maxSessionsPerPrincipal: 1, rate: { perIp: SLOW } };
    const full = supervisor(limits);
    full.sessionOpened('p');
    full.sessionOpened('q');
    expect(full.admitSession({ principal: 'r' })).toMatchObject({
      code: ErrorCode.LimitExceeded,
      httpStatus: 503,
      data: { reason: 'too_many_sessions', limit: 'maxSessions' },
    });
    overloadLoop(full);
    expect(full.admitSession({})).toMatchObject({ data: { limit: 'maxEventLoopDelayMs' } });
    full.destroy();
    expect(full.admitSession({})).toMatchObject({ httpStatus: 503, data: { reason: 'draining' } });

    const perPrincipal = supervisor(limits);
    perPrincipal.sessionOpened('p');
    expect(perPrincipal.admitSession({ principal: 'p' })).toMatchObject({
      code: ErrorCode.LimitExceeded,
      httpStatus: 429,
      data: { reason: 'too_many_sessions', limit: 'maxSessionsPerPrincipal' },
    });
    expect(perPrincipal.admitSession({ principal: 'other', ip: 'ip' })).toBeUndefined();
    expect(perPrincipal.admitSession({ ip: 'ip' })).toMatchObject({ data: { limit: 'rate.perIp' } });
  });

  it('admits a connection that will open a session later without spending a rate token', () => {
    const target = supervisor({ maxSessions: 1, rate: { perIp: SLOW } });
    expect(target.admitConnection({ ip: 'ip' })).toBeUndefined();
    expect(target.admitConnection({ ip: 'ip' })).toBeUndefined();
    // The one token is still there for the session itself, and then spent.
    expect(target.admitSession({ ip: 'ip' })).toBeUndefined();
    expect(target.admitSession({ ip: 'ip' })).toMatchObject({ data: { limit: 'rate.perIp' } });
    target.sessionOpened(undefined);
    expect(target.admitConnection({ ip: 'other' })).toMatchObject({ data: { limit: 'maxSessions' } });
    target.destroy();
    expect(target.admitConnection({})).toMatchObject({ httpStatus: 503, data: { reason: 'draining' } });
  });

  it('counts sessions per principal and frees the slot when one closes', () => {
    const target = supervisor({ maxSessionsPerPrincipal: 2 });
    target.sessionOpened('p');
    target.sessionOpened('p');
    target.sessionOpened(undefined);
    expect(target.sessions).toBe(3);
    expect(target.admitSession({ principal: 'p' })).toBeDefined();
    target.sessionClosed('s1', 'p');
    expect(target.admitSession({ principal: 'p' })).toBeUndefined();
    target.sessionClosed('s2', 'p');
    target.sessionClosed('s3', undefined);
    expect(target.sessions).toBe(0);
    // Closing more than was opened for a principal does not go negative or block it.
    target.sessionClosed('s4', 'p');
    target.sessionOpened('p');
    target.sessionOpened('p');
    expect(target.admitSession({ principal: 'p' })).toBeDefined();
  });
});

describe('Supervisor: drain and destroy', () => {
  it('drain() with nothing running stops admitting at once', async () => {
    const target = supervisor();
    await target.drain();
    expect(target.draining).toBe(true);
    expect(target.admitRequest('tools/call', {})).toMatchObject({
      code: ErrorCode.Overloaded,
      httpStatus: 503,
      data: { reason: 'draining', retryAfterMs: 2_500 },
    });
  });

  it('drain() waits for running requests to finish without killing them', async () => {
    const target = supervisor();
    const { kills, releases } = run(target, 2);
    let drained = false;
    const draining = target.drain(10_000).then(() => {
      drained = true;
    });
    expect(target.admitRequest('tools/call', {})).toMatchObject({ data: { reason: 'draining' } });
    await sleep(30);
    releases[0]!();
    await sleep(10);
    expect(drained).toBe(false);
    releases[1]!();
    await draining;
    expect(target.inFlight).toBe(0);
    for (const kill of kills) expect(kill).not.toHaveBeenCalled();
  });

  it('drain() kills what is still running at the timeout with a "draining" error', async () => {
    const target = supervisor();
    const { kills, releases } = run(target, 2);
    const started = performance.now();
    releases[0]!();
    await target.drain(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(kills[0]).not.toHaveBeenCalled();
    expect(kills[1]).toHaveBeenCalledTimes(1);
    expect(kills[1]!.mock.calls[0]![0]).toMatchObject({
      code: ErrorCode.Overloaded,
      reason: 'draining',
      httpStatus: 503,
    });
    expect(target.inFlight).toBe(0);
    // The killed request's own release afterwards is harmless.
    releases[1]!();
    expect(target.inFlight).toBe(0);
  });

  it('destroy() kills every running request at once; it is idempotent', () => {
    const target = supervisor();
    const { kills } = run(target, 3);
    target.destroy();
    target.destroy();
    for (const kill of kills) expect(kill).toHaveBeenCalledTimes(1);
    expect(target.inFlight).toBe(0);
    expect(target.draining).toBe(true);
    expect(target.admitRequest('tools/call', {})).toMatchObject({ data: { reason: 'draining' } });
  });

  it('destroy() during a drain ends the drain early', async () => {
    const target = supervisor();
    const { kills } = run(target, 1);
    const draining = target.drain(60_000);
    target.destroy();
    await draining;
    expect(kills[0]).toHaveBeenCalledTimes(1);
  });

  it('start()/stop() are reference-counted: the load monitor runs while any transport serves', () => {
    const target = supervisor();
    const start = vi.spyOn(target.shedder, 'start');
    const stop = vi.spyOn(target.shedder, 'stop');
    target.start();
    target.start();
    target.stop();
    expect([start.mock.calls.length, stop.mock.calls.length]).toEqual([1, 0]);
    target.stop();
    target.stop();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('a second drain() call waits for the same outcome as the first (documented idempotence)', async () => {
    const target = supervisor();
    const { releases } = run(target, 1);
    const first = target.drain(5_000);
    const second = target.drain(5_000);
    setTimeout(() => releases[0]!(), 20);
    const outcome = await Promise.race([
      Promise.all([first, second]).then(() => 'both drained'),
      sleep(1_000).then(() => 'first drain still waiting'),
    ]);
    expect(outcome).toBe('both drained');
  });
});

describe('Supervisor: configure', () => {
  it('merges new limits (rate scopes one by one) before serving starts, validating them', () => {
    const target = supervisor({ maxInFlight: 8, rate: { perSession: SLOW } });
    target.configure({ maxInFlightPerSession: 2, rate: { perIp: SLOW } });
    expect(target.limits).toMatchObject({
      maxInFlight: 8,
      maxInFlightPerSession: 2,
      rate: { perSession: SLOW, perIp: SLOW },
    });
    expect(target.admitRequest('tools/call', { ip: 'a' })).toBeUndefined();
    expect(target.admitRequest('tools/call', { ip: 'a' })).toMatchObject({ data: { limit: 'rate.perIp' } });
    expect(() => target.configure({ maxSessions: 0 })).toThrow(/limits\.maxSessions/);
  });

  it('refuses to change limits once a transport serves', () => {
    const target = supervisor();
    target.start();
    expect(() => target.configure({ maxInFlight: 1 })).toThrow(/before the server starts/);
    target.stop();
  });
});
