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
});
