/**
 * Three erlmcp nodes on a 3-master Redis Cluster (sharded pub/sub, one slot per session): 300 GET
 * streams spread over the nodes all get a list_changed raised on one node, and sessions work on
 * any node with their keys spread over the masters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_HEADERS, openLegacySession, postLegacy } from '../support/legacy-http.js';
import { type ScaleCluster, startScaleCluster } from '../support/scale-nodes.js';
import { SseReader } from '../support/sse-reader.js';
import { waitUntil } from '../support/wait.js';

const STREAMS = 300;

let cluster: ScaleCluster;
beforeAll(async () => {
  cluster = await startScaleCluster({ redisCluster: true });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('on a 3-master Redis Cluster', () => {
  it('a list_changed raised on one node reaches 300 GET streams spread over three nodes', async () => {
    const urls = cluster.nodes.map((node) => node.url);
    // Opened on one node, each GET stream on another: sessions and streams cross nodes.
    const sessions: string[] = [];
    for (let i = 0; i < STREAMS; i += 50)
      sessions.push(
        ...(await Promise.all(Array.from({ length: 50 }, (_, j) => openLegacySession(urls[(i + j) % 3]!)))),
      );
    const streams = sessions.map(
      (id, index) => new SseReader(urls[(index + 1) % 3]!, { ...LEGACY_HEADERS, 'mcp-session-id': id }),
    );
    expect(new Set(await Promise.all(streams.map((stream) => stream.status)))).toEqual(new Set([200]));
    try {
      await postLegacy(urls[2]!, sessions[0], {
        id: 1,
        method: 'tools/call',
        params: { name: 'toggle_dynamic_tool' },
      });
      const changed = (stream: SseReader) =>
        stream.messages().filter((m) => m.method === 'notifications/tools/list_changed').length;
      await waitUntil(() => streams.every((stream) => changed(stream) === 1), 15_000);
      // Session keys are spread over the masters (one slot each, by the session id's hash tag).
      const perMaster = await Promise.all(cluster.redisCluster!.nodes.map((node) => node.command('DBSIZE')));
      expect(perMaster.filter((count) => Number(count) > 0).length).toBe(3);
    } finally {
      for (const stream of streams) stream.abort();
    }
  }, 90_000);
});
