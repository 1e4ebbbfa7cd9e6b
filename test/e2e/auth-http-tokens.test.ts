/**
 * The resource server over real HTTP (serveHttp behind bearerAuth + jwtVerifier, a local issuer):
 * every kind of bad token is refused in both eras with the status and WWW-Authenticate challenge the
 * MCP authorization spec asks for; the protected resource metadata; key rotation; the issuer down.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalIssuer, nowSeconds, parseChallenge } from '../support/local-issuer.js';
import {
  type Answer,
  legacy,
  modern,
  openSession,
  type ProtectedServer,
  serveProtected,
} from '../support/protected-http.js';

let server: ProtectedServer;
let calls = 0;
beforeAll(async () => {
  server = await serveProtected(
    (mcp) => {
      mcp.tool('whoami', {
        handler: (_args, ctx) => {
          calls++;
          return ctx.principal ?? 'anonymous';
        },
      });
    },
    { auth: { requiredScopes: ['mcp:use'] } },
  );
});
afterAll(async () => {
  await server?.stop();
});

/** Where the metadata of a server's `/mcp` endpoint is (RFC 9728 path insertion), derived here. */
const metadataOf = (on: ProtectedServer) =>
  `${new URL(on.url).origin}/.well-known/oauth-protected-resource/mcp`;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const good = (claims: Record<string, unknown> = {}) => server.token({ scope: 'mcp:use', ...claims });

/** Tokens that must be refused, by what is wrong with them. */
const BAD_TOKENS: [string, () => Promise<string>][] = [
  ['another audience', () => good({ aud: 'http://127.0.0.1:1/mcp' })],
  ['no audience', () => good({ aud: undefined })],
  ['expired', () => good({ exp: nowSeconds() - 120 })],
  ['not yet valid (nbf)', () => good({ nbf: nowSeconds() + 300 })],
  ['another issuer', () => good({ iss: 'https://evil.example.com' })],
  [
    'an untrusted key under a published kid',
    () => server.token({ scope: 'mcp:use' }, { key: 'foreign', header: { kid: server.issuer.kid } }),
  ],
  ['an unknown kid', () => server.token({ scope: 'mcp:use' }, { key: 'foreign' })],
  [
    'alg none',
    async () =>
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: server.issuer.issuer, sub: 'alice', aud: server.url, scope: 'mcp:use', exp: nowSeconds() + 600 })}.`,
  ],
  [
    'HS256 with the public key as secret',
    async () =>
      server.token(
        { scope: 'mcp:use' },
        {
          header: { alg: 'HS256', kid: server.issuer.kid },
          key: { secret: new TextEncoder().encode(await server.issuer.publicKeyPem()) },
        },
      ),
  ],
  [
    'a tampered payload',
    async () => {
      const [header, , signature] = (await good()).split('.');
      return `${header}.${b64({ iss: server.issuer.issuer, sub: 'mallory', aud: server.url, scope: 'mcp:use' })}.${signature}`;
    },
  ],
];

/** tools/call whoami with this `Authorization` header as it is. */
const whoamiWith = (authorization: string) =>
  modern(server.url, undefined, 'tools/call', { name: 'whoami' }, { headers: { authorization } });

function expectChallenge(reply: Answer, status: number, params: Record<string, string>, on = server) {
  expect(reply.status).toBe(status);
  const challenge = parseChallenge(reply.headers.get('www-authenticate'));
  expect(challenge.scheme).toBe('Bearer');
  expect(challenge.params).toMatchObject({ resource_metadata: metadataOf(on), ...params });
  return challenge.params;
}

describe('2026-07-28 requests', () => {
  it('no token: 401, challenge with resource_metadata and scope, no error code', async () => {
    const reply = await modern(server.url, undefined, 'tools/call', { name: 'whoami' });
    const params = expectChallenge(reply, 401, { scope: 'mcp:use' });
    expect(params.error).toBeUndefined();
    expect(reply.body.error).toMatchObject({ code: -32600 });
  });

  it('another scheme: 401 like no token', async () => {
    const reply = await whoamiWith('Basic YTpi');
    expectChallenge(reply, 401, { scope: 'mcp:use' });
  });

  it.each(BAD_TOKENS)('%s: 401 invalid_token, handler not run', async (_name, make) => {
    const before = calls;
    const reply = await modern(server.url, await make(), 'tools/call', { name: 'whoami' });
    expectChallenge(reply, 401, { error: 'invalid_token', scope: 'mcp:use' });
    expect(calls).toBe(before);
  });

  it('a malformed Bearer header: 400 invalid_request', async () => {
    const reply = await whoamiWith('Bearer two words');
    expectChallenge(reply, 400, { error: 'invalid_request' });
  });

  it('a token in the query string: 400 invalid_request, even with a valid header', async () => {
    const token = await good();
    const reply = await modern(`${server.url}?access_token=${token}`, token, 'tools/call', {
      name: 'whoami',
    });
    expectChallenge(reply, 400, { error: 'invalid_request' });
    const alone = await modern(`${server.url}?access_token=${token}`, undefined, 'tools/call', {
      name: 'whoami',
    });
    expectChallenge(alone, 400, { error: 'invalid_request' });
  });

  it('a valid token: 200, the handler sees the principal <iss>#<sub>', async () => {
    const reply = await modern(server.url, await good(), 'tools/call', { name: 'whoami' });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toMatchObject({
      content: [{ type: 'text', text: `${server.issuer.issuer}#alice` }],
    });
  });
});

describe('2025 sessions', () => {
  let sessionId = '';
  beforeAll(async () => {
    sessionId = await openSession(server.url, await good());
  });

  it('initialize without a token: 401', async () => {
    await expect(openSession(server.url, undefined)).rejects.toThrow(/initialize failed: 401/);
  });

  it.each(BAD_TOKENS)('%s: 401 invalid_token on a session request', async (_name, make) => {
    const before = calls;
    const reply = await legacy(server.url, await make(), sessionId, 'tools/call', { name: 'whoami' });
    expectChallenge(reply, 401, { error: 'invalid_token' });
    expect(calls).toBe(before);
  });

  it('no token on a session request: 401; GET and DELETE too', async () => {
    expectChallenge(await legacy(server.url, undefined, sessionId, 'tools/call', { name: 'whoami' }), 401, {
      scope: 'mcp:use',
    });
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(server.url, {
        method,
        headers: { 'mcp-session-id': sessionId, accept: 'text/event-stream' },
      });
      expect(response.status).toBe(401);
      expect(parseChallenge(response.headers.get('www-authenticate')).params.resource_metadata).toBe(
        metadataOf(server),
      );
      await response.body?.cancel();
    }
  });

  it('the session works with a valid token (a new token of the same principal too)', async () => {
    const reply = await legacy(server.url, await good(), sessionId, 'tools/call', { name: 'whoami' });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toMatchObject({ content: [{ text: `${server.issuer.issuer}#alice` }] });
  });
});

describe('protected resource metadata (RFC 9728)', () => {
  it('is served, without a token, at the path-inserted and root well-known URLs, naming the served URL', async () => {
    const origin = new URL(server.url).origin;
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual({
        resource: server.url,
        authorization_servers: [server.issuer.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['mcp:use'],
      });
    }
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('is what the challenge points to', async () => {
    const reply = await modern(server.url, undefined, 'server/discover');
    const document = (await (
      await fetch(parseChallenge(reply.headers.get('www-authenticate')).params.resource_metadata!)
    ).json()) as { resource: string };
    expect(document.resource).toBe(server.url);
  });

  it('is readable by a browser page on any origin (it is public and CORS-open)', async () => {
    const origin = 'https://app.example.com';
    const preflight = await fetch(metadataOf(server), {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'mcp-protocol-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    // The official SDK sends MCP-Protocol-Version when it discovers the metadata.
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'mcp-protocol-version',
    );
    const response = await fetch(metadataOf(server), {
      headers: { origin, 'mcp-protocol-version': '2026-07-28' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await response.json()) as { resource: string }).resource).toBe(server.url);
    // The MCP endpoint itself still refuses that origin.
    expect(
      (await modern(server.url, await good(), 'server/discover', {}, { headers: { origin } })).status,
    ).toBe(403);
  });

  it('still checks Host (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request(metadataOf(server), { headers: { host: 'evil.example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('answers other methods 405', async () => {
    const response = await fetch(metadataOf(server), { method: 'POST' });
    expect(response.status).toBe(405);
  });
});

describe('the issuer', () => {
  it('rotates keys: a token under a new kid is accepted after the cooldown, without a restart', async () => {
    const own = await serveProtected((mcp) => mcp.tool('ping_tool', { handler: () => 'pong' }));
    try {
      expect((await modern(own.url, await own.token(), 'tools/call', { name: 'ping_tool' })).status).toBe(
        200,
      );
      expect(own.issuer.requests.jwks).toBe(1);
      await own.issuer.rotate({ retire: true });
      const rotated = await own.token();
      // Within jose's refetch cooldown (30 s) a new kid is not fetched yet: refused, and retried later.
      expectChallenge(
        await modern(own.url, rotated, 'tools/call', { name: 'ping_tool' }),
        401,
        { error: 'invalid_token' },
        own,
      );
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
      try {
        const reply = await modern(own.url, rotated, 'tools/call', { name: 'ping_tool' });
        expect(reply.status).toBe(200);
        expect(own.issuer.requests.jwks).toBe(2);
      } finally {
        vi.useRealTimers();
      }
    } finally {
      await own.stop();
    }
  });

  it('down: tokens seen before keep working; a key never fetched is a 401, never a 500', async () => {
    const issuer = await LocalIssuer.start();
    const own = await serveProtected((mcp) => mcp.tool('ping_tool', { handler: () => 'pong' }), {
      issuer,
      jwt: { jwksCooldownMs: 0, fetchTimeoutMs: 1000 },
    });
    try {
      const seen = await own.token();
      const unseen = await own.token({ sub: 'bob' });
      expect((await modern(own.url, seen, 'tools/call', { name: 'ping_tool' })).status).toBe(200);
      await issuer.rotate();
      const underNewKey = await own.token();
      await issuer.stop();
      const requests = { ...issuer.requests };
      expect((await modern(own.url, seen, 'tools/call', { name: 'ping_tool' })).status).toBe(200);
      // A JWT under a key already fetched verifies offline; one under a key never fetched cannot.
      expect((await modern(own.url, unseen, 'tools/call', { name: 'ping_tool' })).status).toBe(200);
      const refused = await modern(own.url, underNewKey, 'tools/call', { name: 'ping_tool' });
      expectChallenge(refused, 401, { error: 'invalid_token' }, own);
      expect(issuer.requests).toEqual(requests);
      await issuer.restart();
      expect((await modern(own.url, underNewKey, 'tools/call', { name: 'ping_tool' })).status).toBe(200);
    } finally {
      await own.stop();
      await issuer.stop();
    }
  });

  it('down before the first token: 401 (discovery fails), and served once it is back', async () => {
    const issuer = await LocalIssuer.start();
    const own = await serveProtected((mcp) => mcp.tool('ping_tool', { handler: () => 'pong' }), {
      issuer,
      jwt: { fetchTimeoutMs: 1000 },
    });
    try {
      const token = await own.token();
      await issuer.stop();
      const reply = await modern(own.url, token, 'tools/call', { name: 'ping_tool' });
      expectChallenge(reply, 401, { error: 'invalid_token' }, own);
      await issuer.restart();
      expect((await modern(own.url, token, 'tools/call', { name: 'ping_tool' })).status).toBe(200);
    } finally {
      await own.stop();
      await issuer.stop();
    }
  });
});
