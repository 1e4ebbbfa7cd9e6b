/**
 * The OAuth client with real parts: oidc-provider as the authorization server (issuer with a path,
 * DCR, PKCE, resource indicators giving JWT access tokens, refresh-token rotation, `iss` in the
 * authorization response), a test-only protected erlmcp server checking the bearer with jose, and an
 * SDK v2 `requireBearerAuth` server. The user's step is headless (fetch with a cookie jar).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  OAuthError,
  OAuthErrorCode,
  requireBearerAuth,
  McpServer as SdkMcpServer,
} from '@modelcontextprotocol/server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileTokenStore } from '../../src/auth/client/file-token-store.js';
import { OAuthClient } from '../../src/auth/client/oauth-client.js';
import type { AuthorizationPrompt, OAuthClientOptions } from '../../src/auth/client/oauth-client-options.js';
import { insertWellKnown } from '../../src/auth/metadata/well-known.js';
import { bearerAuth } from '../../src/auth/resource-server/bearer-auth.js';
import { jwtVerifier } from '../../src/auth/resource-server/jwt-verifier.js';
import { Client } from '../../src/client/client.js';
import { type HttpServerHandle, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { StreamableHttpClientTransport } from '../../src/transports/http/client-transport.js';
import { attachWebSocket } from '../../src/transports/websocket/attach.js';
import { WebSocketClientTransport } from '../../src/transports/websocket/client-transport.js';
import { type BearerMcpServer, startBearerMcpServer } from '../support/bearer-mcp-server.js';
import { authorizeHeadlessly, startTestProvider, type TestProvider } from '../support/oidc-provider.js';
import { contentText } from '../support/wait.js';

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';
let provider: TestProvider;
let server: BearerMcpServer;
const dir = mkdtempSync(join(tmpdir(), 'erlmcp-oauth-'));

beforeAll(async () => {
  provider = await startTestProvider();
  server = await startBearerMcpServer({ issuer: provider.issuer, jwksUri: provider.jwksUri });
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

function oauth(prompts: AuthorizationPrompt[], options: Partial<OAuthClientOptions> = {}): OAuthClient {
  return new OAuthClient({
    redirectUri: REDIRECT_URI,
    clientName: 'erlmcp oauth test',
    onAuthorizationUrl: async (prompt) => {
      prompts.push(prompt);
      return authorizeHeadlessly(prompt.url, REDIRECT_URI);
    },
    ...options,
  });
}

async function connect(auth: OAuthClient, mode: 'modern' | 'legacy', url = server.url): Promise<Client> {
  const client = new Client({ name: 'oauth-test', version: '1' }, { versionNegotiation: mode });
  await client.connect(new StreamableHttpClientTransport(url, { auth }));
  return client;
}

const grants = (type: string) => provider.grants[type] ?? 0;
/** The scopes asked for at each authorization: the base, then its union with the challenged one. */
const STEP_UP = [
  ['mcp:read', 'offline_access'],
  ['mcp:admin', 'mcp:read', 'offline_access'],
];
const promptedScopes = (prompts: AuthorizationPrompt[]) =>
  prompts.map((prompt) => prompt.scope?.split(' ').sort());

describe('OAuth client against oidc-provider', () => {
  for (const mode of ['modern', 'legacy'] as const) {
    it(`discovers through paths (endpoint and issuer), registers, authorizes with PKCE and resource (${mode})`, async () => {
      const prompts: AuthorizationPrompt[] = [];
      const registrations = provider.registrations;
      const auth = oauth(prompts);
      const client = await connect(auth, mode);
      try {
        expect(contentText(await client.callTool('whoami'))).toBe('hello');
        expect(client.era).toBe(mode);
      } finally {
        await client.close();
      }
      expect(prompts).toHaveLength(1);
      const query = prompts[0]!.url.searchParams;
      expect(prompts[0]!.issuer).toBe(provider.issuer);
      expect(query.get('code_challenge_method')).toBe('S256');
      expect(query.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(query.get('resource')).toBe(server.url);
      expect(query.get('scope')?.split(' ').sort()).toEqual(['mcp:read', 'offline_access']);
      expect(provider.registrations).toBe(registrations + 1);
      const stored = await auth.store.load(`tokens ${server.url}`);
      expect(stored).toMatchObject({ kind: 'tokens', issuer: provider.issuer, resource: server.url });
      expect(stored?.kind === 'tokens' && stored.refresh_token).toBeTruthy();
    });
  }

  it('steps up on 403 insufficient_scope to the union of held and challenged scopes, once', async () => {
    const prompts: AuthorizationPrompt[] = [];
    const client = await connect(oauth(prompts), 'modern');
    try {
      expect(contentText(await client.callTool('whoami'))).toBe('hello');
      expect(contentText(await client.callTool('admin_tool'))).toBe('admin done');
      expect(contentText(await client.callTool('whoami'))).toBe('hello');
      expect(contentText(await client.callTool('admin_tool'))).toBe('admin done');
    } finally {
      await client.close();
    }
    expect(promptedScopes(prompts)).toEqual(STEP_UP);
  });

  it('re-authorizes in the middle of a 2025 session and retries in the same session', async () => {
    const prompts: AuthorizationPrompt[] = [];
    const client = await connect(oauth(prompts), 'legacy');
    try {
      expect(contentText(await client.callTool('whoami'))).toBe('hello');
      const session = server.posts.at(-1)!.session;
      expect(session).toBeTruthy();
      const refreshes = grants('refresh_token');
      server.revokeNext(1);
      expect(contentText(await client.callTool('whoami'))).toBe('hello');
      // The refused call and its retry carried the same session; the refresh token did the re-authorization.
      expect(server.posts.slice(-2).map((post) => [post.method, post.session, post.status])).toEqual([
        ['tools/call', session, 401],
        ['tools/call', session, 200],
      ]);
      expect(grants('refresh_token')).toBe(refreshes + 1);
      expect(prompts).toHaveLength(1);
      // The session's GET stream went out authorized too.
      expect(server.gets).toContain(200);
    } finally {
      await client.close();
    }
  });

  it('authorizes the 2024-11-05 HTTP+SSE fallback (stream and messages)', async () => {
    const prompts: AuthorizationPrompt[] = [];
    const client = await connect(oauth(prompts), 'legacy', server.sseUrl);
    try {
      expect(contentText(await client.callTool('whoami'))).toBe('hello');
    } finally {
      await client.close();
    }
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.url.searchParams.get('resource')).toBe(server.sseUrl);
  });

  it('refreshes once for 50 concurrent calls with an expired token', async () => {
    provider.setAccessTokenTtl(2);
    try {
      const client = await connect(oauth([], { expirySkewMs: 0 }), 'modern');
      try {
        await sleep(2_200);
        const refreshes = grants('refresh_token');
        const results = await Promise.all(Array.from({ length: 50 }, () => client.callTool('whoami')));
        expect(results.map(contentText)).toEqual(Array(50).fill('hello'));
        expect(grants('refresh_token')).toBe(refreshes + 1);
      } finally {
        await client.close();
      }
    } finally {
      provider.setAccessTokenTtl(3600);
    }
  });

  it('refreshes once for two processes sharing a file store (50 concurrent calls each)', async () => {
    const path = join(dir, 'tokens.json');
    provider.setAccessTokenTtl(5);
    try {
      const client = await connect(oauth([], { store: new FileTokenStore(path) }), 'modern');
      await client.close();
      expect(readFileSync(path, 'utf8')).toContain('refresh_token');
      const refreshes = grants('refresh_token');
      const worker = join(process.cwd(), 'test/fixtures/oauth-refresh-worker.mjs');
      const run = () =>
        promisify(execFile)(process.execPath, [worker, server.url, path], { timeout: 25_000 });
      const outputs = await Promise.all([run(), run()]);
      for (const { stdout } of outputs) expect(JSON.parse(stdout)).toEqual({ ok: 50, failed: [] });
      expect(grants('refresh_token')).toBe(refreshes + 1);
      expect(provider.errors.invalid_grant ?? 0).toBe(0);
    } finally {
      provider.setAccessTokenTtl(3600);
    }
  }, 40_000);

  it('uses the client credentials grant with client_secret_basic and with private_key_jwt', async () => {
    const before = grants('client_credentials');
    const { clientId, clientSecret, jwtClientId, privateKey } = provider.clientCredentials;
    for (const clientCredentials of [
      { clientId, clientSecret },
      { clientId: jwtClientId, privateKey },
    ]) {
      const client = await connect(new OAuthClient({ clientCredentials }), 'modern');
      try {
        expect(contentText(await client.callTool('whoami'))).toBe('hello');
      } finally {
        await client.close();
      }
    }
    expect(grants('client_credentials')).toBe(before + 2);
  });
});

describe('erlmcp OAuth client against an SDK v2 requireBearerAuth server', () => {
  let sdk: Server;
  let url: string;

  beforeAll(async () => {
    sdk = createServer();
    await new Promise<void>((resolve) => sdk.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(sdk.address() as AddressInfo).port}/mcp`;
    const metadataUrl = insertWellKnown(url, 'oauth-protected-resource');
    const jwks = createRemoteJWKSet(new URL(provider.jwksUri));
    const gate = requireBearerAuth({
      requiredScopes: ['mcp:read'],
      resourceMetadataUrl: metadataUrl.href,
      verifier: {
        async verifyAccessToken(token: string) {
          try {
            const { payload } = await jwtVerify(token, jwks, { issuer: provider.issuer, audience: url });
            return {
              token,
              clientId: String(payload.client_id ?? ''),
              scopes: String(payload.scope ?? '').split(' '),
              ...(payload.exp ? { expiresAt: payload.exp } : {}),
            };
          } catch {
            throw new OAuthError(OAuthErrorCode.InvalidToken, 'invalid token');
          }
        },
      },
    });
    const mcp = createMcpHandler(() => {
      const server = new SdkMcpServer({ name: 'sdk-v2-protected', version: '1.0.0' });
      server.registerTool(
        'echo',
        { inputSchema: z.object({ message: z.string() }) },
        async ({ message }) => ({
          content: [{ type: 'text', text: `Echo: ${message}` }],
        }),
      );
      return server;
    });
    const node = toNodeHandler({
      fetch: async (request: Request, options?: Record<string, unknown>) => {
        const auth = await gate(request);
        if (auth instanceof Response) return auth;
        return mcp.fetch(request, { ...options, authInfo: auth });
      },
    } as Parameters<typeof toNodeHandler>[0]);
    sdk.on('request', (req, res) => {
      if (req.url === metadataUrl.pathname) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            resource: url,
            authorization_servers: [provider.issuer],
            scopes_supported: ['mcp:read'],
          }),
        );
        return;
      }
      void node(req as Parameters<typeof node>[0], res);
    });
  });
  afterAll(async () => {
    sdk.closeAllConnections();
    await new Promise<void>((resolve) => sdk.close(() => resolve()));
  });

  it('discovers from its challenge, authorizes and calls a tool', async () => {
    const prompts: AuthorizationPrompt[] = [];
    const client = await connect(oauth(prompts), 'modern', url);
    try {
      expect(contentText(await client.callTool('echo', { message: 'v2' }))).toBe('Echo: v2');
    } finally {
      await client.close();
    }
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.url.searchParams.get('resource')).toBe(url);
  });
});

describe('OAuth client on the WebSocket client transport', () => {
  it('takes the token at connect, authorizing first when it holds none', async () => {
    const mcp = new McpServer({ name: 'ws-protected', version: '1.0.0', onDiagnostic: () => {} });
    mcp.tool('whoami', { description: 'Says hello', handler: () => 'hello' });
    const http = createServer((req, res) => {
      if (req.url !== '/.well-known/oauth-protected-resource/ws') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          resource,
          authorization_servers: [provider.issuer],
          scopes_supported: ['mcp:read'],
        }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const resource = `http://127.0.0.1:${port}/ws`;
    const attachment = attachWebSocket(mcp, http, { path: '/ws' });
    // Test-only gate in front of erlmcp's upgrade handler: a valid bearer for this resource, or 401.
    const [upgrade] = http.listeners('upgrade') as ((...args: unknown[]) => void)[];
    http.removeAllListeners('upgrade');
    const jwks = createRemoteJWKSet(new URL(provider.jwksUri));
    const seen: (string | undefined)[] = [];
    http.on('upgrade', async (req, socket, head) => {
      seen.push(req.headers.authorization?.split(' ')[0]);
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const valid = await jwtVerify(token, jwks, { issuer: provider.issuer, audience: resource }).then(
        () => true,
        () => false,
      );
      if (valid) upgrade!(req, socket, head);
      else socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n');
    });
    const prompts: AuthorizationPrompt[] = [];
    const client = new Client({ name: 'oauth-ws', version: '1' }, { versionNegotiation: 'modern' });
    try {
      await client.connect(
        new WebSocketClientTransport(`ws://127.0.0.1:${port}/ws`, { auth: oauth(prompts) }),
      );
      expect(contentText(await client.callTool('whoami'))).toBe('hello');
      expect(prompts).toHaveLength(1);
      expect(prompts[0]!.url.searchParams.get('resource')).toBe(resource);
      expect(seen).toEqual(['Bearer']);
    } finally {
      await client.close();
      await attachment.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});

describe('erlmcp OAuth client against the erlmcp resource server (serveHttp + bearerAuth)', () => {
  let protectedServer: HttpServerHandle;

  beforeAll(async () => {
    const mcp = new McpServer({ name: 'erlmcp-protected', version: '1.0.0', onDiagnostic: () => {} });
    mcp.tool('whoami', { handler: () => 'hello' });
    mcp.tool('admin_tool', { scopes: ['mcp:admin'], handler: () => 'admin done' });
    protectedServer = await serveHttp(mcp, {
      port: 0,
      auth: bearerAuth({
        authorizationServers: [provider.issuer],
        verifier: jwtVerifier({ issuer: provider.issuer }),
        requiredScopes: ['mcp:read'],
      }),
    });
  });
  afterAll(async () => {
    await protectedServer?.close();
  });

  for (const mode of ['modern', 'legacy'] as const) {
    it(`discovers, authorizes, and steps up for a tool's scope (${mode})`, async () => {
      const prompts: AuthorizationPrompt[] = [];
      const client = await connect(oauth(prompts), mode, protectedServer.url);
      try {
        expect(contentText(await client.callTool('whoami'))).toBe('hello');
        expect(contentText(await client.callTool('admin_tool'))).toBe('admin done');
      } finally {
        await client.close();
      }
      expect(promptedScopes(prompts)).toEqual(STEP_UP);
      expect(prompts[0]!.url.searchParams.get('resource')).toBe(protectedServer.url);
    });
  }
});
