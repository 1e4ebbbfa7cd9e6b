/**
 * Three erlmcp nodes on a 3-master Redis Cluster (sharded pub/sub, one slot per session): 300 GET
 * streams spread over the nodes all get a list_changed raised on one node, and sessions work on
 * any node with their keys spread over the masters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScaleCluster, startScaleCluster } from '../support/scale-nodes.js';
import { SseReader } from '../support/sse-reader.js';
import { waitUntil } from '../support/wait.js';

const STREAMS = 300;
const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

let cluster: ScaleCluster;
beforeAll(async () => {
  cluster = await startScaleCluster({ redisCluster: true });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

async function post(url: string, sessionId: string | undefined, message: object): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...HEADERS, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
}

async function openSession(url: string): Promise<string> {
  const opened = await post(url, undefined, {
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
  });
  expect(opened.status).toBe(200);
  const sessionId = opened.headers.get('mcp-session-id')!;
  await post(url, sessionId, { method: 'notifications/initialized' });
  return sessionId;
}

describe('on a 3-master Redis Cluster', () => {
  it('a list_changed raised on one node reaches 300 GET streams spread over three nodes', async () => {
    const urls = cluster.nodes.map((node) => node.url);
    // Opened on one node, each GET stream on another: sessions and streams cross nodes.
    const sessions: string[] = [];
    for (let i = 0; i < STREAMS; i += 50)
      sessions.push(
        ...(await Promise.all(Array.from({ length: 50 }, (_, j) => openSession(urls[(i + j) % 3]!)))),
      );
    const streams = sessions.map(
      (id, index) => new SseReader(urls[(index + 1) % 3]!, { ...HEADERS, 'mcp-session-id': id }),
    );
    expect(new Set(await Promise.all(streams.map((stream) => stream.status)))).toEqual(new Set([200]));
    try {
      await post(urls[2]!, sessions[0], {
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
