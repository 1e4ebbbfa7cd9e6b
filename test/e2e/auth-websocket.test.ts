/**
 * WebSocket behind bearerAuth (attachWebSocket on the serveHttp server, sharing its bearerAuth and
 * so its resource and metadata): the upgrade needs a valid token holding the required scopes, the
 * token's principal owns the connection, and each request's scopes are checked (-32013).
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attachWebSocket, type WebSocketAttachment } from '../../src/transports/websocket/index.js';
import { parseChallenge } from '../support/local-issuer.js';
import { type ProtectedServer, serveProtected } from '../support/protected-http.js';
import { BARE_MODERN_META } from '../support/server-harness.js';

let server: ProtectedServer;
let attachment: WebSocketAttachment;
let wsUrl = '';
const sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await serveProtected(
    (mcp) => {
      mcp.tool('whoami', { handler: (_args, ctx) => `${ctx.principal} ${ctx.auth?.scopes.join(',')}` });
      mcp.tool('write_files', { scopes: ['files:write'], handler: () => 'written' });
    },
    { auth: { requiredScopes: ['mcp:use'] } },
  );
  attachment = attachWebSocket(server.mcp, server.http.server, { auth: server.auth, path: '/ws' });
  wsUrl = `${new URL(server.url).origin.replace('http', 'ws')}/ws`;
});
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await attachment?.destroy();
  await server?.stop();
});

/** The upgrade's outcome: an open socket, or the HTTP answer that refused it. */
function connect(token: string | undefined): Promise<WebSocket | IncomingMessage> {
  const ws = new WebSocket(wsUrl, 'mcp', token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      sockets.push(ws);
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.destroy();
      resolve(res);
    });
    ws.once('error', reject);
  });
}

function refused(outcome: WebSocket | IncomingMessage): IncomingMessage {
  expect(outcome).not.toBeInstanceOf(WebSocket);
  return outcome as IncomingMessage;
}

let nextId = 0;
function call(
  ws: WebSocket,
  name: string,
): Promise<{ result?: Record<string, unknown>; error?: { code: number; data?: unknown } }> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString());
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, _meta: BARE_MODERN_META } }),
    );
  });
}

describe('WebSocket upgrade with bearerAuth', () => {
  it('without a token: 401 with the challenge (resource_metadata, scope)', async () => {
    const res = refused(await connect(undefined));
    expect(res.statusCode).toBe(401);
    expect(parseChallenge(res.headers['www-authenticate']).params).toEqual({
      resource_metadata: `${new URL(server.url).origin}/.well-known/oauth-protected-resource/mcp`,
      scope: 'mcp:use',
    });
  });

  it('with an invalid token: 401 invalid_token; in the query string: 400', async () => {
    const expired = await server.token({ scope: 'mcp:use', exp: Math.floor(Date.now() / 1000) - 120 });
    const res = refused(await connect(expired));
    expect(res.statusCode).toBe(401);
    expect(parseChallenge(res.headers['www-authenticate']).params.error).toBe('invalid_token');
    const ws = new WebSocket(`${wsUrl}?access_token=${await server.token({ scope: 'mcp:use' })}`, 'mcp');
    const status = await new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, answer) => {
        answer.destroy();
        resolve(answer.statusCode ?? 0);
      });
      ws.once('open', () => reject(new Error('opened')));
    });
    expect(status).toBe(400);
  });

  it('with a token lacking the required scopes: 403 insufficient_scope', async () => {
    const res = refused(await connect(await server.token({ scope: 'files:write' })));
    expect(res.statusCode).toBe(403);
    expect(parseChallenge(res.headers['www-authenticate']).params).toMatchObject({
      error: 'insufficient_scope',
      scope: 'mcp:use',
    });
  });

  it('with a valid token: connected as its principal; a request lacking a scope gets -32013', async () => {
    const ws = (await connect(await server.token({ scope: 'mcp:use' }))) as WebSocket;
    expect(ws).toBeInstanceOf(WebSocket);
    expect((await call(ws, 'whoami')).result).toMatchObject({
      content: [{ text: `${server.issuer.issuer}#alice mcp:use` }],
    });
    expect((await call(ws, 'write_files')).error).toMatchObject({
      code: -32013,
      data: { scopes: ['files:write'] },
    });
    ws.close();
    const writer = (await connect(await server.token({ scope: 'mcp:use files:write' }))) as WebSocket;
    expect((await call(writer, 'write_files')).result).toMatchObject({ content: [{ text: 'written' }] });
    writer.close();
  });
});
