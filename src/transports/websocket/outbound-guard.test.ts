import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboundGuard } from './outbound-guard.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function guarded(maxBufferedBytes = 1000, maxBufferedMs = 500) {
  const socket = { bufferedAmount: 0, paused: false, pause: vi.fn(), resume: vi.fn() };
  socket.pause.mockImplementation(() => (socket.paused = true));
  socket.resume.mockImplementation(() => (socket.paused = false));
  const events: string[] = [];
  const guard = new OutboundGuard(socket, {
    maxBufferedBytes,
    maxBufferedMs,
    onPause: (paused) => events.push(paused ? 'pause' : 'resume'),
    onOverflow: (reason) => events.push(`overflow: ${reason}`),
  });
  return { socket, guard, events };
}

describe('OutboundGuard', () => {
  it('stops reading over the limit and resumes below half', () => {
    const { socket, guard, events } = guarded();
    socket.bufferedAmount = 900;
    guard.check();
    expect(socket.paused).toBe(false);
    socket.bufferedAmount = 1200;
    guard.check();
    expect(socket.paused).toBe(true);
    socket.bufferedAmount = 700;
    guard.check();
    expect(socket.paused).toBe(true);
    socket.bufferedAmount = 400;
    guard.check();
    expect(socket.paused).toBe(false);
    expect(events).toEqual(['pause', 'resume']);
    vi.advanceTimersByTime(10_000);
    expect(events).toEqual(['pause', 'resume']);
  });

  it('cuts off a peer over twice the limit at once', () => {
    const { socket, guard, events } = guarded();
    socket.bufferedAmount = 2500;
    guard.check();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^overflow: .*over twice/);
    socket.bufferedAmount = 5000;
    guard.check();
    expect(events).toHaveLength(1);
  });

  it('cuts off a peer that stays over the limit for maxBufferedMs', () => {
    const { socket, guard, events } = guarded();
    socket.bufferedAmount = 1500;
    guard.check();
    vi.advanceTimersByTime(499);
    expect(events).toEqual(['pause']);
    vi.advanceTimersByTime(1);
    expect(events[1]).toMatch(/^overflow: .*for 500 ms/);
  });

  it('gives a draining peer another period instead of cutting it off', () => {
    const { socket, guard, events } = guarded();
    socket.bufferedAmount = 1500;
    guard.check();
    socket.bufferedAmount = 800;
    vi.advanceTimersByTime(500);
    expect(events).toEqual(['pause']);
    socket.bufferedAmount = 100;
    guard.check();
    expect(events).toEqual(['pause', 'resume']);
    guard.stop();
  });

  it('does nothing after stop()', () => {
    const { socket, guard, events } = guarded();
    guard.stop();
    socket.bufferedAmount = 5000;
    guard.check();
    expect(events).toEqual([]);
  });
});
