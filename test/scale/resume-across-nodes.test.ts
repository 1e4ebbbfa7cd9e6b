/**
 * A 2025 POST's SSE stream resumed (GET + Last-Event-ID) on another node than the one running its
 * request: the resuming node replays what Redis holds, then follows the stream live, so the progress
 * and the result the request produces later still reach the client, each once and in order
 * (conformance: server-sse-polling, whose test_reconnection result comes 100 ms after the close).
 */
import { describe, expect, it } from 'vitest';
import { LEGACY_HEADERS, openLegacySession } from '../support/legacy-http.js';
import { useScaleCluster } from '../support/scale-cluster-hooks.js';
import { openSse, type SseMessage } from '../support/sse-reader.js';

const cluster = useScaleCluster();

const STEPS = 40; // long_task reports progress every 20 ms: the request runs ~800 ms after the cut

async function openSession(): Promise<Record<string, string>> {
  return { ...LEGACY_HEADERS, 'mcp-session-id': await openLegacySession(cluster().url) };
}

/**
 * Starts long_task with a progress token, reads up to its first progress event and drops the
 * connection (the request keeps running); returns the last event id seen and the node running it.
 */
async function startAndCut(
  session: Record<string, string>,
): Promise<{ lastEventId: string; writer: number }> {
  const post = await openSse(cluster().url, {
    method: 'POST',
    headers: session,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'long_task', arguments: { steps: STEPS }, _meta: { progressToken: 'p' } },
    }),
  });
  let event = await post.next();
  while (event && !event.data.includes('notifications/progress')) event = await post.next();
  await post.close();
  return { lastEventId: event!.id!, writer: cluster().proxy.log.at(-1)!.backend };
}

async function resume(session: Record<string, string>, lastEventId: string): Promise<SseMessage[]> {
  const get = await openSse(cluster().url, {
    headers: { ...session, accept: 'text/event-stream', 'last-event-id': lastEventId },
  });
  expect(get.status).toBe(200);
  return get.rest(10_000);
}

const progressOf = (events: SseMessage[]) =>
  events
    .map((event) => JSON.parse(event.data) as { method?: string; params?: { progress?: number } })
    .filter((message) => message.method === 'notifications/progress')
    .map((message) => message.params?.progress);

describe('resuming a request stream on another node', () => {
  it('follows the stream live: the rest of the progress and the result, each once, in order', async () => {
    const session = await openSession();
    const { lastEventId, writer } = await startAndCut(session);
    const events = await resume(session, lastEventId);
    const get = cluster().proxy.log.at(-1)!;
    expect(get.method).toBe('GET');
    expect(get.backend).not.toBe(writer);

    expect(progressOf(events)).toEqual(Array.from({ length: STEPS - 1 }, (_, i) => i + 2));
    expect(events.at(-1)?.data).toContain(`Finished ${STEPS} steps`);
    const ids = events.map((event) => Number(event.id!.slice(event.id!.lastIndexOf('.') + 1)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(Number(lastEventId.slice(lastEventId.lastIndexOf('.') + 1)) + 1);

    // Once the request is over, a resumption on any node replays the same events and ends.
    const again = await resume(session, lastEventId);
    expect(again.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('ends the resumed stream when the node running the request is gone', async () => {
    const session = await openSession();
    const { lastEventId, writer } = await startAndCut(session);
    // Events are written to Redis behind the response: a node killed within that instant loses them.
    const dot = lastEventId.lastIndexOf('.');
    const key = `erlmcp:{${session['mcp-session-id']}}:e:${lastEventId.slice(0, dot)}`;
    const seq = `0-${lastEventId.slice(dot + 1)}`;
    for (let tries = 0; tries < 100; tries++) {
      if ((await cluster().redis.command('XRANGE', key, seq, seq)).includes(seq)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await cluster().nodes[writer]!.stop();
    try {
      // Ends (no answer from the dead node within FOLLOW_ANSWER_MS) instead of hanging.
      const events = await resume(session, lastEventId);
      expect(events.some((event) => event.data.includes('Finished'))).toBe(false);
    } finally {
      await cluster().restartNode(writer);
    }
  });
});
