import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter } from './token-bucket.js';

function limiterWithClock(perSecond: number, burst: number) {
  const clock = { t: 0 };
  const limiter = new KeyedRateLimiter({ perSecond, burst }, () => clock.t);
  return { limiter, clock };
}

describe('KeyedRateLimiter', () => {
  it('admits a full burst at once, then says how long until the next token', () => {
    const { limiter } = limiterWithClock(10, 5);
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toBe(0);
    // 10 per second: one token every 100 ms.
    expect(limiter.take('a')).toBe(100);
    expect(limiter.take('a')).toBe(100);
  });

  it('refills lazily with elapsed time, never above the burst', () => {
    const { limiter, clock } = limiterWithClock(10, 5);
    for (let i = 0; i < 5; i++) limiter.take('a');
    clock.t = 40;
    expect(limiter.take('a')).toBe(60);
    clock.t = 100;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(100);
    // A long quiet spell refills to the burst, not beyond it.
    clock.t = 60_000;
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('keeps keys apart: one flooding key does not use up another key', () => {
    const { limiter } = limiterWithClock(1, 2);
    expect([limiter.take('flood'), limiter.take('flood')]).toEqual([0, 0]);
    expect(limiter.take('flood')).toBe(1000);
    expect([limiter.take('quiet'), limiter.take('quiet')]).toEqual([0, 0]);
    expect(limiter.size).toBe(2);
  });

  it('rounds the wait up to whole milliseconds for fractional rates', () => {
    const { limiter, clock } = limiterWithClock(3, 1);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(334);
    clock.t = 334;
    expect(limiter.take('a')).toBe(0);
  });

  it('forgets a key at once: a new bucket starts full', () => {
    const { limiter } = limiterWithClock(1, 1);
    expect(limiter.take('s')).toBe(0);
    expect(limiter.take('s')).toBeGreaterThan(0);
    limiter.forget('s');
    expect(limiter.size).toBe(0);
    expect(limiter.take('s')).toBe(0);
  });

  it('sweeps buckets that have refilled, so the map is bounded by recently active keys', () => {
    const { limiter, clock } = limiterWithClock(100, 10);
    for (let i = 0; i < 1_000; i++) limiter.take(`ip-${i}`);
    expect(limiter.size).toBe(1_000);
    // burst / rate = 100 ms, but the sweep runs at most once a second.
    clock.t = 500;
    limiter.take('late');
    expect(limiter.size).toBe(1_001);
    clock.t = 1_001;
    limiter.take('fresh');
    // Only 'late' (touched 501 ms ago) and 'fresh' are left.
    expect(limiter.size).toBe(2);
    // A swept key starts over with a full burst, which is what its refilled bucket held anyway.
    for (let i = 0; i < 10; i++) expect(limiter.take('ip-1')).toBe(0);
  });

  it('does not sweep a bucket that is still refilling', () => {
    // 1 per second, burst 5: a drained bucket needs 5 s to refill; the sweep period follows that.
    const { limiter, clock } = limiterWithClock(1, 5);
    for (let i = 0; i < 5; i++) limiter.take('slow');
    clock.t = 2_000;
    // Two tokens refilled, one taken: one left, and the bucket was touched at 2 s.
    expect(limiter.take('slow')).toBe(0);
    clock.t = 5_001;
    limiter.take('other');
    expect(limiter.size).toBe(2);
    // The bucket kept its state: 1 token + 3.001 s of refill = 4 tokens, not a fresh burst of 5.
    for (let i = 0; i < 4; i++) expect(limiter.take('slow')).toBe(0);
    expect(limiter.take('slow')).toBeGreaterThan(0);
  });
});
