/**
 * serveWebSocket with bearerAuth and no `resource`: it binds its own URL as the resource and serves
 * the metadata its 401 challenge points to (the upgrade alone could not tell a client where to go).
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bearerAuth, jwtVerifier } from '../../src/exports/auth.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { serveWebSocket, type WebSocketServerHandle } from '../../src/transports/websocket/index.js';
import { LocalIssuer, parseChallenge } from '../support/local-issuer.js';

let issuer: LocalIssuer;
let handle: WebSocketServerHandle;

beforeAll(async () => {
  issuer = await LocalIssuer.start();
  const mcp = new McpServer({ name: 'ws-auth', version: '1', onDiagnostic: () => {} });
  mcp.tool('ping_me', { handler: () => 'pong' });
  // No resource and no audience: both are the URL the server listens on, known once it listens.
  const auth = bearerAuth({
    authorizationServers: [issuer.issuer],
    verifier: jwtVerifier({ issuer: issuer.issuer }),
  });
  handle = await serveWebSocket(mcp, { port: 0, auth });
});
afterAll(async () => {
  await handle?.destroy();
  await issuer?.stop();
});

function refusedUpgrade(url: string): Promise<IncomingMessage> {
  const ws = new WebSocket(url, 'mcp');
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('the upgrade was accepted without a token')));
    ws.once('unexpected-response', (_req, res) => {
      res.destroy();
      resolve(res);
    });
    ws.once('error', reject);
  });
}

describe('serveWebSocket with bearerAuth', () => {
  it('challenges with its own metadata URL and serves that metadata with its URL as resource', async () => {
    const res = await refusedUpgrade(handle.url);
    expect(res.statusCode).toBe(401);
    const { params } = parseChallenge(res.headers['www-authenticate']);
    const origin = new URL(handle.url).origin.replace(/^ws/, 'http');
    expect(params.resource_metadata).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
    const metadata = await (await fetch(params.resource_metadata!)).json();
    expect(metadata).toMatchObject({ resource: `${origin}/mcp`, authorization_servers: [issuer.issuer] });
  });

  it('lets a token for that resource in', async () => {
    const origin = new URL(handle.url).origin.replace(/^ws/, 'http');
    const token = await issuer.mint({ sub: 'ada', aud: `${origin}/mcp`, scope: 'mcp:use' });
    const ws = new WebSocket(handle.url, 'mcp', { headers: { authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    ws.terminate();
  });
});
