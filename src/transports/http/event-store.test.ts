import { describe, expect, it } from 'vitest';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { MAX_EVENTS_PER_STREAM, MAX_STREAMS_PER_SESSION, MemoryEventStore } from './event-store.js';

const note = (n: number): JsonRpcMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/message',
  params: { n },
});

describe('MemoryEventStore', () => {
  it('replays what followed an event id, in order, only to the session that owns the stream', () => {
    const store = new MemoryEventStore();
    const first = store.append('s1', 's1-1', note(1));
    store.append('s1', 's1-1', note(2));
    store.append('s1', 's1-1', note(3));
    store.append('s2', 's2-1', note(9));
    const replay = store.replay('s1', first);
    expect(replay?.streamId).toBe('s1-1');
    expect(replay?.events.map((event) => ('params' in event.message ? event.message.params?.n : -1))).toEqual(
      [2, 3],
    );
    expect(store.replay('s2', first)).toBeUndefined();
    expect(store.replay('s1', 'not-an-id')).toBeUndefined();
  });

  it('keeps a bounded number of streams per session, dropping the one written to longest ago', () => {
    const store = new MemoryEventStore();
    const standalone = store.append('s1', 'get-stream', note(0));
    const firstPost = store.append('s1', 'post-1', note(1));
    for (let i = 2; i <= MAX_STREAMS_PER_SESSION + 50; i++) {
      store.append('s1', `post-${i}`, note(i));
      // The session's GET stream keeps being written to, so it is never the oldest.
      if (i % 100 === 0) store.append('s1', 'get-stream', note(-i));
    }
    expect(store.streamCount('s1')).toBe(MAX_STREAMS_PER_SESSION);
    expect(store.replay('s1', firstPost)).toBeUndefined();
    expect(store.replay('s1', standalone)?.events.length).toBeGreaterThan(0);
  });

  it('keeps a bounded number of events per stream and forgets a whole session at once', () => {
    const store = new MemoryEventStore();
    const first = store.append('s1', 's1-1', note(0));
    for (let i = 1; i <= MAX_EVENTS_PER_STREAM + 10; i++) store.append('s1', 's1-1', note(i));
    expect(store.replay('s1', first)?.events).toHaveLength(MAX_EVENTS_PER_STREAM);
    store.forget('s1');
    expect(store.streamCount('s1')).toBe(0);
    expect(store.replay('s1', first)).toBeUndefined();
  });

  it('keeps a bounded number of bytes per session: oldest streams first, then oldest events, never the newest', () => {
    const store = new MemoryEventStore({ maxBytesPerSession: 10_000 });
    const firstResult = store.append('s1', 'post-1', note(1), 4_000);
    store.append('s1', 'post-2', note(2), 4_000);
    expect(store.byteCount('s1')).toBe(8_000);
    const third = store.append('s1', 'post-3', note(3), 4_000);
    // 12,000 > 10,000: the stream written to longest ago goes.
    expect(store.byteCount('s1')).toBe(8_000);
    expect(store.streamCount('s1')).toBe(2);
    expect(store.replay('s1', firstResult)).toBeUndefined();
    expect(store.replay('s1', third)?.events).toEqual([]);
    // One result over the whole budget is still kept (its client may resume it), alone.
    const huge = store.append('s1', 'post-4', note(4), 50_000);
    expect(store.streamCount('s1')).toBe(1);
    expect(store.byteCount('s1')).toBe(50_000);
    expect(store.replay('s1', huge)?.streamId).toBe('post-4');
    // Within one long stream the oldest events go.
    const stream = new MemoryEventStore({ maxBytesPerSession: 1_000 });
    const early = stream.append('s', 'get', note(0), 400);
    for (let i = 1; i <= 5; i++) stream.append('s', 'get', note(i), 400);
    expect(stream.byteCount('s')).toBe(800);
    expect(stream.replay('s', early)?.events).toHaveLength(2);
    // Another session's budget is its own.
    store.append('s2', 'post-1', note(1), 9_000);
    expect(store.byteCount('s2')).toBe(9_000);
    expect(store.byteCount('s1')).toBe(50_000);
  });

  it('drops streams not written to within the resume window, and then the session', () => {
    const store = new MemoryEventStore({ resumeWindowMs: 1_000 });
    const old = store.append('s1', 'post-1', note(1), 10, 0);
    const fresh = store.append('s1', 'post-2', note(2), 10, 900);
    store.append('s2', 'post-1', note(3), 10, 100);
    store.expire(1_500);
    expect(store.replay('s1', old)).toBeUndefined();
    expect(store.replay('s1', fresh)?.streamId).toBe('post-2');
    expect(store.byteCount('s1')).toBe(10);
    expect(store.streamCount('s2')).toBe(0);
    store.expire(2_000);
    expect(store.streamCount('s1')).toBe(0);
  });
});
