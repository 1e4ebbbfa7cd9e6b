import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterMessage, ClusterNode } from '../../server/cluster.js';
import { MemoryEventStore } from './event-store.js';
import type { HttpSession } from './http-session.js';
import { SseStream } from './sse-stream.js';
import { FOLLOW_ANSWER_MS, StreamFollowing } from './stream-following.js';

/**
 * Following a request stream from another node, over a fake pub/sub (asynchronous, in order, like
 * Redis): the writer W holds the stream and its events, the follower F holds neither (the shared
 * store has not caught up with W's writes, or was never asked).
 */
const SESSION = 'sess';
const STREAM_ID = `${SESSION}-W-1`;
const LIMITS = { keepAliveMs: 60_000, retryMs: 1000 };

function node(nodeId: string, inbox: Map<string, (message: ClusterMessage) => void>): ClusterNode {
  return {
    nodeId,
    publish: (message: ClusterMessage, to?: string) => {
      const deliver = inbox.get(to!);
      queueMicrotask(() => deliver?.(message));
    },
  } as unknown as ClusterNode;
}

/** A response that records what is written to it. */
function recorder(): ServerResponse & { text: () => string; ended: boolean } {
  const chunks: string[] = [];
  const res = {
    writableLength: 0,
    destroyed: false,
    ended: false,
    write: (chunk: string) => chunks.push(chunk) > 0,
    end: () => {
      res.ended = true;
    },
    once: () => res,
    text: () => chunks.join(''),
  };
  return res as unknown as ServerResponse & { text: () => string; ended: boolean };
}

function setUp() {
  const inbox = new Map<string, (message: ClusterMessage) => void>();
  const writerStore = new MemoryEventStore();
  const written = new SseStream(STREAM_ID, {
    ...LIMITS,
    resumable: { store: writerStore, sessionId: SESSION, primed: true },
  });
  const sessions = new Map([
    [SESSION, { streams: new Map([[STREAM_ID, written]]) } as unknown as HttpSession],
  ]);
  const writer = new StreamFollowing(node('W', inbox), sessions, writerStore);
  const follower = new StreamFollowing(node('F', inbox), new Map(), new MemoryEventStore());
  inbox.set('W', (message) => message.type === 'stream-follow' && writer.relay(message));
  inbox.set('F', (message) => message.type === 'stream-events' && follower.received(message));
  const send = (n: number) =>
    written.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: n } });
  return { follower, written, send };
}

const ids = (text: string) => [...text.matchAll(/^id: (\S+)$/gm)].map((match) => match[1]);

afterEach(() => {
  vi.useRealTimers();
});

describe('StreamFollowing', () => {
  it('holds the answer until the writer confirms, then delivers each later event once, in order', async () => {
    const { follower, written, send } = setUp();
    send(1);
    send(2);
    const stream = new SseStream(STREAM_ID, LIMITS);
    const known = follower.follow(SESSION, stream, 1, 'W');
    send(3); // before the writer saw the follow: stored there, sent with the gap
    expect(await known).toBe(true);
    send(4); // relayed while the client's response is not attached yet
    await Promise.resolve();
    const res = recorder();
    follower.attach(stream, res);
    send(5);
    written.send({ jsonrpc: '2.0', id: 7, result: {} });
    written.end();
    await vi.waitFor(() => expect(res.ended).toBe(true));
    expect(ids(res.text())).toEqual([2, 3, 4, 5, 6].map((seq) => `${STREAM_ID}.${seq}`));
  });

  it('skips events the follower already replayed from the shared store', async () => {
    const { follower, send } = setUp();
    for (let n = 1; n <= 4; n++) send(n);
    const res = recorder();
    const stream = new SseStream(STREAM_ID, LIMITS);
    stream.attach(res);
    await follower.follow(SESSION, stream, 3, 'W', res);
    expect(ids(res.text())).toEqual([`${STREAM_ID}.4`]);
  });

  it('answers false for a stream the writer does not hold', async () => {
    const { follower } = setUp();
    const stream = new SseStream(`${SESSION}-W-9`, LIMITS);
    expect(await follower.follow(SESSION, stream, 1, 'W')).toBe(false);
  });

  it('gives up on a writer that does not answer, ending the stream', async () => {
    vi.useFakeTimers();
    const { follower } = setUp();
    const res = recorder();
    const stream = new SseStream(STREAM_ID, LIMITS);
    stream.attach(res);
    const known = follower.follow(SESSION, stream, 1, 'gone', res);
    vi.advanceTimersByTime(FOLLOW_ANSWER_MS);
    expect(await known).toBeUndefined();
    expect(res.ended).toBe(true);
  });
});
