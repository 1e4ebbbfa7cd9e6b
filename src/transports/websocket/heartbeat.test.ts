import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function beat(intervalMs = 100) {
  const pings: number[] = [];
  let dead = 0;
  const heartbeat = new Heartbeat(
    intervalMs,
    () => pings.push(Date.now()),
    () => dead++,
  );
  return { heartbeat, pings, dead: () => dead };
}

describe('Heartbeat', () => {
  it('pings every interval while the peer answers', () => {
    const { heartbeat, pings, dead } = beat();
    heartbeat.start();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(100);
      heartbeat.alive();
    }
    expect(pings).toHaveLength(5);
    expect(dead()).toBe(0);
    heartbeat.stop();
  });

  it('declares the peer dead when a ping is unanswered by the next tick, once', () => {
    const { heartbeat, pings, dead } = beat();
    heartbeat.start();
    vi.advanceTimersByTime(100);
    expect(pings).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(dead()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(dead()).toBe(1);
    expect(pings).toHaveLength(1);
  });

  it('does not judge while suspended (not reading), and gives a full interval after', () => {
    const { heartbeat, dead } = beat();
    heartbeat.start();
    vi.advanceTimersByTime(100);
    heartbeat.suspend(true);
    vi.advanceTimersByTime(1000);
    expect(dead()).toBe(0);
    heartbeat.suspend(false);
    vi.advanceTimersByTime(100);
    expect(dead()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(dead()).toBe(1);
  });

  it('is off with an interval of 0', () => {
    const { heartbeat, pings, dead } = beat(0);
    heartbeat.start();
    vi.advanceTimersByTime(60_000);
    expect(pings).toHaveLength(0);
    expect(dead()).toBe(0);
  });
});
