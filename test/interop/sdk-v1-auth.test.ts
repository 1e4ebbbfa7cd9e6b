/**
 * The official SDK v1 client against an erlmcp server behind bearerAuth: with a bearer token in
 * `requestInit` it works; without one, or without a tool's scope, it gets the HTTP auth errors; the
 * SDK's own discovery and challenge parsing read erlmcp's metadata and WWW-Authenticate.
 */
import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ProtectedServer, serveProtected } from '../support/protected-http.js';
import { contentText } from '../support/wait.js';

let server: ProtectedServer;
const clients: Client[] = [];
beforeAll(async () => {
  server = await serveProtected(
    (mcp) => {
      mcp.tool('whoami', { handler: (_args, ctx) => ctx.principal ?? 'anonymous' });
      mcp.tool('write_files', { scopes: ['files:write'], handler: () => 'written' });
    },
    { auth: { requiredScopes: ['mcp:use'] } },
  );
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await server?.stop();
});

function client(token: string | undefined) {
  const sdk = new Client({ name: 'sdk-v1-auth', version: '1' });
  clients.push(sdk);
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  return { sdk, transport };
}

describe('SDK v1 client with a bearer token', () => {
  it('initializes a session and calls tools as the token’s principal', async () => {
    const { sdk, transport } = client(await server.token({ scope: 'mcp:use files:write' }));
    await sdk.connect(transport);
    expect(transport.sessionId).toEqual(expect.any(String));
    expect((await sdk.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['whoami', 'write_files']);
    expect(contentText(await sdk.callTool({ name: 'whoami', arguments: {} }))).toBe(
      `${server.issuer.issuer}#alice`,
    );
    expect(contentText(await sdk.callTool({ name: 'write_files', arguments: {} }))).toBe('written');
  });

  it('gets 401 without a token', async () => {
    const { sdk, transport } = client(undefined);
    const failure = await sdk.connect(transport).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StreamableHTTPError);
    expect((failure as StreamableHTTPError).code).toBe(401);
  });

  it('gets 403 for a tool whose scope the token lacks', async () => {
    const { sdk, transport } = client(await server.token({ scope: 'mcp:use' }));
    await sdk.connect(transport);
    const failure = await sdk.callTool({ name: 'write_files', arguments: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StreamableHTTPError);
    expect((failure as StreamableHTTPError).code).toBe(403);
  });
});

describe('SDK v1 auth helpers read what erlmcp serves', () => {
  it('discovers the protected resource metadata from the server URL', async () => {
    const metadata = await discoverOAuthProtectedResourceMetadata(server.url);
    expect(metadata.resource).toBe(server.url);
    expect(metadata.authorization_servers).toEqual([server.issuer.issuer]);
  });

  it('parses the 401 and 403 challenges', async () => {
    const post = async (token: string | undefined, name: string) =>
      fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': name,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } }),
      });
    const unauthorized = extractWWWAuthenticateParams(await post(undefined, 'whoami'));
    expect(unauthorized.resourceMetadataUrl?.href).toBe(
      `${new URL(server.url).origin}/.well-known/oauth-protected-resource/mcp`,
    );
    expect(unauthorized.scope).toBe('mcp:use');
    const forbidden = extractWWWAuthenticateParams(
      await post(await server.token({ scope: 'mcp:use' }), 'write_files'),
    );
    expect(forbidden).toMatchObject({ error: 'insufficient_scope', scope: 'mcp:use files:write' });
  });
});
