/**
 * Redis stopped for 10 s, then started again (empty: no persistence): the declared policy
 * (docs/scale.md) holds — 2026 requests and sessions on the node holding them keep working, what
 * needs Redis answers 503 with Retry-After, nothing crashes — and full service returns by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODERN_HEADERS, modernToolCall } from '../support/cli-process.js';
import { INITIALIZE, LEGACY_HEADERS, postLegacy } from '../support/legacy-http.js';
import { type ScaleCluster, startScaleCluster } from '../support/scale-nodes.js';

let cluster: ScaleCluster;
beforeAll(async () => {
  cluster = await startScaleCluster({ nodes: 2 });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const echo = (id: number) => ({
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { message: 'x' } },
});

async function modernCall(url: string): Promise<number> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
    body: modernToolCall(1, 'echo', { message: 'x' }),
  });
  await answer.text();
  return answer.status;
}

describe('Redis outage', () => {
  it('keeps what does not need Redis, answers 503 + Retry-After for what does, and recovers', async () => {
    const [home, other] = cluster.nodes.map((node) => node.url) as [string, string];
    const opened = await postLegacy(home, undefined, INITIALIZE);
    const sessionId = opened.headers.get('mcp-session-id')!;
    await postLegacy(home, sessionId, { method: 'notifications/initialized' });

    await cluster.redis.stop();
    const outageStarted = Date.now();
    // During the outage (checked twice, early and late in the 10 s).
    for (const at of [500, 8000]) {
      await new Promise((resolve) => setTimeout(resolve, outageStarted + at - Date.now()));
      expect(await modernCall(home)).toBe(200);
      expect(await modernCall(other)).toBe(200);
      expect((await postLegacy(home, sessionId, echo(at))).status).toBe(200);
      // The other node does not hold the session and cannot read it: 503, never 404.
      const elsewhere = await postLegacy(other, sessionId, echo(at + 1));
      expect(elsewhere.status).toBe(503);
      expect(Number(elsewhere.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const fresh = await postLegacy(other, undefined, INITIALIZE);
      expect(fresh.status).toBe(503);
      expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    await new Promise((resolve) => setTimeout(resolve, outageStarted + 10_000 - Date.now()));
    await cluster.redis.restart();

    // Back within seconds: new sessions, and the old one on the node that never held it.
    const deadline = Date.now() + 10_000;
    let recoveredAfter = -1;
    while (Date.now() < deadline) {
      const fresh = await postLegacy(other, undefined, INITIALIZE);
      const old = await postLegacy(other, sessionId, echo(99));
      if (fresh.status === 200 && old.status === 200) {
        recoveredAfter = Date.now() - outageStarted - 10_000;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recoveredAfter).toBeGreaterThanOrEqual(0);
    expect(recoveredAfter).toBeLessThan(5000);
    // Pub/sub is back too: a DELETE on one node ends the session on the node that holds it.
    const deleted = await fetch(other, {
      method: 'DELETE',
      headers: { ...LEGACY_HEADERS, 'mcp-session-id': sessionId },
    });
    expect(deleted.status).toBe(200);
    // (Told over pub/sub: the node holding it lets go within moments, not at once.)
    const until = Date.now() + 5000;
    let status = 0;
    while (status !== 404 && Date.now() < until) {
      status = (await postLegacy(home, sessionId, echo(100))).status;
      if (status !== 404) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(404);
    for (const node of cluster.nodes) expect(node.child.exitCode).toBeNull();
  }, 60_000);
});
