/**
 * OAuth on a cluster: a session belongs to the principal that opened it on every node (another
 * principal is told 404 wherever it tries), and Redis holds no token, no principal name and no
 * secret in clear.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../support/local-issuer.js';
import { type ScaleCluster, startScaleCluster } from '../support/scale-nodes.js';

const AUDIENCE = 'https://mcp.example.com/mcp';
const SECRET = randomBytes(32).toString('base64url');

let issuer: LocalIssuer;
let cluster: ScaleCluster;
beforeAll(async () => {
  issuer = await LocalIssuer.start();
  cluster = await startScaleCluster({
    extraArgs: ['--auth-issuer', issuer.issuer, '--auth-jwks', issuer.jwksUrl, '--auth-audience', AUDIENCE],
    env: { ERLMCP_REQUEST_STATE_SECRET: SECRET },
  });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await issuer?.stop();
});

function post(url: string, token: string, sessionId: string | undefined, message: object) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      authorization: `Bearer ${token}`,
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
}

describe('principals on a cluster', () => {
  it('answers another principal 404 for a session on every node, and keeps no token or name in Redis', async () => {
    const alice = await issuer.mint({ sub: 'alice', aud: AUDIENCE, scope: 'mcp:use' });
    const mallory = await issuer.mint({ sub: 'mallory', aud: AUDIENCE, scope: 'mcp:use' });
    const [first, second, third] = cluster.nodes.map((node) => node.url) as [string, string, string];
    const opened = await post(first, alice, undefined, {
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    expect(opened.status).toBe(200);
    const sessionId = opened.headers.get('mcp-session-id')!;
    const list = { id: 1, method: 'tools/list' };
    // Mallory first on a node that never saw the session, then on the one holding it.
    expect((await post(second, mallory, sessionId, list)).status).toBe(404);
    expect((await post(first, mallory, sessionId, list)).status).toBe(404);
    // Alice anywhere; then Mallory on the node that now holds a copy for Alice.
    expect((await post(second, alice, sessionId, list)).status).toBe(200);
    expect((await post(third, alice, sessionId, list)).status).toBe(200);
    expect((await post(second, mallory, sessionId, list)).status).toBe(404);
    expect((await post(third, mallory, sessionId, { id: 2, method: 'ping' })).status).toBe(404);

    const keys = (await cluster.redis.command('KEYS', 'erlmcp:*')).split('\n').filter(Boolean);
    expect(keys).toContain(`erlmcp:{${sessionId}}:s`);
    let stored = '';
    for (const key of keys) {
      const type = await cluster.redis.command('TYPE', key);
      stored += await cluster.redis.command(...(type === 'hash' ? ['HGETALL', key] : ['DUMP', key]));
    }
    for (const secret of [alice, alice.split('.')[2]!, 'alice', SECRET]) expect(stored).not.toContain(secret);
  }, 60_000);
});
