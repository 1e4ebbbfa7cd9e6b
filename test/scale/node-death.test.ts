/**
 * `kill -9` of the node that opened 100 sessions with open GET streams: every session goes on on
 * the other nodes, every stream resumes there with `Last-Event-ID` and gets each event it missed
 * exactly once (from Redis), and calls running on the dead node fail at once instead of hanging.
 */
import { describe, expect, it } from 'vitest';
import { LEGACY_HEADERS, openLegacySession, postLegacy } from '../support/legacy-http.js';
import { useScaleCluster } from '../support/scale-cluster-hooks.js';
import { SseReader } from '../support/sse-reader.js';
import { waitUntil } from '../support/wait.js';

const SESSIONS = 100;

const cluster = useScaleCluster();

const changed = (reader: SseReader) =>
  reader.messages().filter((message) => message.method === 'notifications/tools/list_changed').length;

describe('a node dies (kill -9)', () => {
  it('its sessions go on elsewhere, their GET streams resume with every missed event once', async () => {
    const [doomed, ...survivors] = cluster().nodes.map((node) => node.url);
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => openLegacySession(doomed!)));
    const streams = sessions.map((id) => new SseReader(doomed!, { ...LEGACY_HEADERS, 'mcp-session-id': id }));
    expect(new Set(await Promise.all(streams.map((stream) => stream.status)))).toEqual(new Set([200]));

    // Event 1 reaches every stream live.
    await postLegacy(doomed!, sessions[0], {
      id: 1,
      method: 'tools/call',
      params: { name: 'toggle_dynamic_tool' },
    });
    await waitUntil(() => streams.every((stream) => changed(stream) === 1), 10_000);
    const resumeFrom = streams.map((stream) => stream.lastEventId!);

    // The clients lose their connections; event 2 is written while they are away (kept in Redis).
    for (const stream of streams) stream.abort();
    await postLegacy(doomed!, sessions[0], {
      id: 2,
      method: 'tools/call',
      params: { name: 'toggle_dynamic_tool' },
    });
    const streamKey = (index: number) => {
      const streamId = resumeFrom[index]!.slice(0, resumeFrom[index]!.lastIndexOf('.'));
      return `erlmcp:{${sessions[index]}}:e:${streamId}`;
    };
    for (let i = 0; i < SESSIONS; i += 33) {
      const deadline = Date.now() + 5000;
      while ((await cluster().redis.command('XLEN', streamKey(i))) !== '2' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await cluster().redis.command('XLEN', streamKey(i))).toBe('2');
    }

    // Calls in flight on the node when it dies.
    const inFlight = sessions.slice(0, 5).map((id, index) => {
      const started = Date.now();
      return postLegacy(doomed!, id, {
        id: 100 + index,
        method: 'tools/call',
        params: { name: 'slow', arguments: { ms: 60_000 } },
      })
        .then(
          (response) => response.text().then(() => 'answered'),
          () => 'failed',
        )
        .then((outcome) => ({ outcome, ms: Date.now() - started }));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    cluster().nodes[0]!.child.kill('SIGKILL');
    await cluster().nodes[0]!.exited;
    for (const call of await Promise.all(inFlight)) {
      expect(call.outcome).toBe('failed');
      expect(call.ms).toBeLessThan(5000);
    }

    // Every session resumes on a surviving node and gets event 2, once.
    const resumed = sessions.map(
      (id, index) =>
        new SseReader(survivors[index % survivors.length]!, {
          ...LEGACY_HEADERS,
          'mcp-session-id': id,
          'last-event-id': resumeFrom[index]!,
        }),
    );
    expect(new Set(await Promise.all(resumed.map((stream) => stream.status)))).toEqual(new Set([200]));
    await waitUntil(() => resumed.every((stream) => changed(stream) === 1), 10_000);

    // The sessions work on the survivors, and the resumed streams are live there: event 3.
    for (const [index, id] of sessions.entries()) {
      const answer = await postLegacy(survivors[(index + 1) % survivors.length]!, id, {
        id: 3,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: `s${index}` } },
      });
      expect(await answer.json()).toMatchObject({ result: { content: [{ text: `Echo: s${index}` }] } });
    }
    await postLegacy(survivors[0]!, sessions[0], {
      id: 4,
      method: 'tools/call',
      params: { name: 'toggle_dynamic_tool' },
    });
    await waitUntil(() => resumed.every((stream) => changed(stream) === 2), 10_000);
    // Nothing twice: each resumed stream has exactly the missed event and the new one.
    for (const stream of resumed) expect(changed(stream)).toBe(2);
    for (const stream of resumed) stream.abort();
  }, 90_000);
});
