/**
 * Scopes over real HTTP behind bearerAuth: 403 `insufficient_scope` naming every scope a request
 * needs (the tool's, resource's or prompt's, the method's, and the resource server's baseline) in
 * 2026 requests, 2025 session requests and 2025-03-26 batches, before anything runs; the open
 * methods; hideUnauthorizedTools; ctx.auth; the admin routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpServer } from '../../src/server/mcp-server.js';
import { parseChallenge } from '../support/local-issuer.js';
import {
  type Answer,
  legacy,
  modern,
  openSession,
  type ProtectedServer,
  serveProtected,
} from '../support/protected-http.js';
import { BARE_MODERN_META } from '../support/server-harness.js';

const BASELINE = 'mcp:use';
let server: ProtectedServer;
let ran = 0;

function setup(mcp: McpServer) {
  const text = (uri: string) => ({ contents: [{ uri, text: 'x' }] });
  mcp.tool('open_tool', {
    handler: () => {
      ran++;
      return 'open';
    },
  });
  mcp.tool('read_files', {
    scopes: ['files:read'],
    handler: () => {
      ran++;
      return 'read';
    },
  });
  mcp.tool('write_files', {
    scopes: ['files:read', 'files:write'],
    handler: () => {
      ran++;
      return 'written';
    },
  });
  mcp.tool('whoami', {
    handler: (_args, ctx) => {
      ran++;
      return JSON.stringify({ principal: ctx.principal, auth: ctx.auth });
    },
  });
  mcp.resource('test://secret', { scopes: ['vault:read'], read: text });
  mcp.resource('test://public', { read: text });
  mcp.resourceTemplate('test://docs/{id}', { scopes: ['docs:read'], read: text });
  mcp.prompt('private_prompt', {
    scopes: ['prompts:private'],
    get: () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'p' } }] }),
  });
}

beforeAll(async () => {
  server = await serveProtected(setup, {
    auth: { requiredScopes: [BASELINE] },
    server: { hideUnauthorizedTools: true, methodScopes: { 'resources/list': ['catalog:list'] } },
    http: { observer: true },
  });
});
afterAll(async () => {
  await server?.stop();
});

const token = (scope: string | undefined) => server.token({ scope });

/** A 403 insufficient_scope naming exactly `scopes` (in any order), with the JSON-RPC error -32013. */
function expectForbidden(reply: Answer, scopes: string[]) {
  expect(reply.status).toBe(403);
  const { scheme, params } = parseChallenge(reply.headers.get('www-authenticate'));
  expect(scheme).toBe('Bearer');
  expect(params.error).toBe('insufficient_scope');
  expect(params.resource_metadata).toBe(
    `${new URL(server.url).origin}/.well-known/oauth-protected-resource/mcp`,
  );
  expect(params.scope?.split(' ').sort()).toEqual([...scopes].sort());
  expect(reply.body.error?.code).toBe(-32013);
}

describe('2026-07-28 requests', () => {
  it('a tool call lacking a scope: 403 naming every scope it needs (baseline and tool), handler not run', async () => {
    const before = ran;
    const reply = await modern(server.url, await token('mcp:use files:read'), 'tools/call', {
      name: 'write_files',
    });
    expectForbidden(reply, [BASELINE, 'files:read', 'files:write']);
    expect(reply.body.id).toEqual(expect.any(Number));
    expect(ran).toBe(before);
  });

  it('a token without the baseline scope: 403 naming it, even for a tool needing nothing more', async () => {
    expectForbidden(
      await modern(server.url, await token('files:read'), 'tools/call', { name: 'open_tool' }),
      [BASELINE],
    );
    expectForbidden(await modern(server.url, await token(undefined), 'tools/list'), [BASELINE]);
  });

  it('a token holding every needed scope runs', async () => {
    const reply = await modern(server.url, await token('mcp:use files:read files:write'), 'tools/call', {
      name: 'write_files',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toMatchObject({ content: [{ text: 'written' }] });
  });

  it('resources (and templates) and prompts need their scopes; methodScopes adds a method’s', async () => {
    const plain = await token(BASELINE);
    expectForbidden(await modern(server.url, plain, 'resources/read', { uri: 'test://secret' }), [
      BASELINE,
      'vault:read',
    ]);
    expectForbidden(await modern(server.url, plain, 'resources/read', { uri: 'test://docs/7' }), [
      BASELINE,
      'docs:read',
    ]);
    expectForbidden(await modern(server.url, plain, 'prompts/get', { name: 'private_prompt' }), [
      BASELINE,
      'prompts:private',
    ]);
    expectForbidden(await modern(server.url, plain, 'resources/list'), [BASELINE, 'catalog:list']);
    expect((await modern(server.url, plain, 'resources/read', { uri: 'test://public' })).status).toBe(200);
    const docs = await modern(server.url, await token('mcp:use docs:read'), 'resources/read', {
      uri: 'test://docs/7',
    });
    expect(docs.body.result).toMatchObject({ contents: [{ uri: 'test://docs/7' }] });
  });

  it('subscriptions/listen to a resource needs the resource’s scopes (its 2026 subscribe)', async () => {
    const plain = await token(BASELINE);
    const listen = (bearer: string, uris: string[]) =>
      modern(server.url, bearer, 'subscriptions/listen', { notifications: { resourceSubscriptions: uris } });
    expectForbidden(await listen(plain, ['test://public', 'test://secret', 'test://docs/1']), [
      BASELINE,
      'vault:read',
      'docs:read',
    ]);
    // With the scopes, the listen is admitted: its stream opens (and is closed here).
    const abort = new AbortController();
    const open = await fetch(server.url, {
      method: 'POST',
      signal: abort.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'subscriptions/listen',
        authorization: `Bearer ${await token('mcp:use vault:read')}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'subscriptions/listen',
        params: { notifications: { resourceSubscriptions: ['test://secret'] }, _meta: BARE_MODERN_META },
      }),
    });
    expect(open.status).toBe(200);
    abort.abort();
  });

  it('completion/complete for a prompt or template needs its scopes', async () => {
    const plain = await token(BASELINE);
    const complete = (ref: Record<string, string>) =>
      modern(server.url, plain, 'completion/complete', { ref, argument: { name: 'id', value: '' } });
    expectForbidden(await complete({ type: 'ref/prompt', name: 'private_prompt' }), [
      BASELINE,
      'prompts:private',
    ]);
    expectForbidden(await complete({ type: 'ref/resource', uri: 'test://docs/{id}' }), [
      BASELINE,
      'docs:read',
    ]);
    expectForbidden(await complete({ type: 'ref/resource', uri: 'test://secret' }), [BASELINE, 'vault:read']);
  });

  it('server/discover needs no scope, nor does ping get past the gate only to be refused a scope', async () => {
    const none = await token(undefined);
    const discover = await modern(server.url, none, 'server/discover');
    expect(discover.status).toBe(200);
    expect(discover.body.result).toMatchObject({ supportedVersions: expect.arrayContaining(['2026-07-28']) });
    // ping is gone from 2026-07-28: past the scope gate it is an unknown method, not a 403.
    const ping = await modern(server.url, none, 'ping');
    expect(ping.status).toBe(404);
    expect(ping.body.error?.code).toBe(-32601);
  });

  it('hideUnauthorizedTools lists only the tools the token may call', async () => {
    const names = async (scope: string) =>
      ((await modern(server.url, await token(scope), 'tools/list')).body.result!.tools as { name: string }[])
        .map((tool) => tool.name)
        .sort();
    expect(await names('mcp:use')).toEqual(['open_tool', 'whoami']);
    expect(await names('mcp:use files:read')).toEqual(['open_tool', 'read_files', 'whoami']);
    expect(await names('mcp:use files:read files:write')).toEqual([
      'open_tool',
      'read_files',
      'whoami',
      'write_files',
    ]);
  });

  it('ctx.auth carries the verified credentials, and no raw token', async () => {
    const bearer = await server.token({ scope: 'mcp:use', client_id: 'app' });
    const reply = await modern(server.url, bearer, 'tools/call', { name: 'whoami' });
    const text = (reply.body.result!.content as { text: string }[])[0]!.text;
    expect(text).not.toContain(bearer);
    const seen = JSON.parse(text);
    expect(seen).toMatchObject({
      principal: `${server.issuer.issuer}#alice`,
      auth: {
        principal: `${server.issuer.issuer}#alice`,
        issuer: server.issuer.issuer,
        subject: 'alice',
        clientId: 'app',
        scopes: ['mcp:use'],
        claims: { aud: server.url },
      },
    });
    expect(seen.auth).not.toHaveProperty('token');
  });
});

describe('2025 sessions', () => {
  it('initialize needs no scope; a session request lacking one: 403 naming them all', async () => {
    const none = await token(undefined);
    const sessionId = await openSession(server.url, none);
    expect((await legacy(server.url, none, sessionId, 'ping')).status).toBe(200);
    const before = ran;
    const reply = await legacy(server.url, await token('mcp:use'), sessionId, 'tools/call', {
      name: 'write_files',
    });
    expectForbidden(reply, [BASELINE, 'files:read', 'files:write']);
    expect(ran).toBe(before);
    const ok = await legacy(server.url, await token('mcp:use files:read'), sessionId, 'tools/call', {
      name: 'read_files',
    });
    expect(ok.body.result).toMatchObject({ content: [{ text: 'read' }] });
  });

  it('resources/subscribe needs the resource’s scopes', async () => {
    const bearer = await token(BASELINE);
    const sessionId = await openSession(server.url, bearer);
    expectForbidden(
      await legacy(server.url, bearer, sessionId, 'resources/subscribe', { uri: 'test://secret' }),
      [BASELINE, 'vault:read'],
    );
  });

  it('a 2025-03-26 batch runs only if the token may run all of it: one 403 naming every scope', async () => {
    const bearer = await token('mcp:use files:read');
    const sessionId = await openSession(server.url, bearer, '2025-03-26');
    const before = ran;
    const batch: [string, Record<string, unknown>][] = [
      ['tools/call', { name: 'read_files' }],
      ['tools/call', { name: 'write_files' }],
      ['prompts/get', { name: 'private_prompt' }],
    ];
    const reply = await legacy(server.url, bearer, sessionId, batch, {}, '2025-03-26');
    expectForbidden(reply, [BASELINE, 'files:read', 'files:write', 'prompts:private']);
    expect(ran).toBe(before);
    const allowed = await legacy(
      server.url,
      bearer,
      sessionId,
      [
        ['tools/call', { name: 'read_files' }],
        ['ping', {}],
      ],
      {},
      '2025-03-26',
    );
    expect(allowed.status).toBe(200);
    expect(ran).toBe(before + 1);
  });
});

describe('admin routes', () => {
  it('/metrics: 401 without a token, 403 without erlmcp:admin, 200 with it', async () => {
    const metrics = `${new URL(server.url).origin}/metrics`;
    const none = await fetch(metrics);
    expect(none.status).toBe(401);
    expect(parseChallenge(none.headers.get('www-authenticate')).params.resource_metadata).toContain(
      '/.well-known/oauth-protected-resource',
    );
    const user = await fetch(metrics, { headers: { authorization: `Bearer ${await token('mcp:use')}` } });
    expect(user.status).toBe(403);
    expect(parseChallenge(user.headers.get('www-authenticate')).params).toMatchObject({
      error: 'insufficient_scope',
      scope: 'erlmcp:admin',
    });
    const admin = await fetch(metrics, {
      headers: { authorization: `Bearer ${await token('erlmcp:admin')}` },
    });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('# TYPE');
  });

  it('the observer page needs erlmcp:admin too', async () => {
    const observer = `${new URL(server.url).origin}/observer`;
    expect((await fetch(observer)).status).toBe(401);
    const user = await fetch(observer, { headers: { authorization: `Bearer ${await token('mcp:use')}` } });
    expect(user.status).toBe(403);
    const admin = await fetch(observer, {
      headers: { authorization: `Bearer ${await token('erlmcp:admin')}` },
    });
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toContain('text/html');
    await admin.body?.cancel();
  });

  it("adminAccess: 'open' leaves /metrics open; the health probes are always open", async () => {
    const open = await serveProtected(() => {}, { http: { adminAccess: 'open' } });
    try {
      const origin = new URL(open.url).origin;
      expect((await fetch(`${origin}/metrics`)).status).toBe(200);
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      expect((await fetch(`${new URL(server.url).origin}/healthz`)).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});

describe('exposeToken', () => {
  it('puts the raw token in ctx.auth.token when the server opts in', async () => {
    const exposing = await serveProtected(
      (mcp) => mcp.tool('token', { handler: (_args, ctx) => ctx.auth?.token ?? 'none' }),
      { auth: { exposeToken: true } },
    );
    try {
      const bearer = await exposing.token();
      for (let i = 0; i < 2; i++) {
        const reply = await modern(exposing.url, bearer, 'tools/call', { name: 'token' });
        expect(reply.body.result).toMatchObject({ content: [{ text: bearer }] });
      }
    } finally {
      await exposing.stop();
    }
  });
});
