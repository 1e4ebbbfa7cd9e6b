/**
 * The official SDK clients getting their tokens from a real authorization server (oidc-provider:
 * issuer with a path, DCR, PKCE, resource indicators giving JWT access tokens, client credentials)
 * and presenting them to erlmcp's resource server (`serveHttp` + `bearerAuth` + `jwtVerifier`, the
 * resource left to serveHttp). The user's part of the authorization code flow is headless.
 */

import { randomUUID } from 'node:crypto';
import {
  ClientCredentialsProvider,
  type ClientOptions,
  PrivateKeyJwtProvider,
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
  UnauthorizedError as V2UnauthorizedError,
} from '@modelcontextprotocol/client';
import {
  type OAuthDiscoveryState,
  UnauthorizedError as V1UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuth, jwtVerifier } from '../../src/exports/auth.js';
import { type HttpServerHandle, serveHttp } from '../../src/exports/http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { authorizeHeadlessly, startTestProvider, type TestProvider } from '../support/oidc-provider.js';
import { contentText } from '../support/wait.js';

const REDIRECT_URI = 'http://127.0.0.1:53683/callback';
let provider: TestProvider;
let http: HttpServerHandle;

beforeAll(async () => {
  provider = await startTestProvider();
  const mcp = new McpServer({ name: 'erlmcp-protected', version: '1.0.0', onDiagnostic: () => {} });
  mcp.tool('admin_tool', { scopes: ['mcp:admin'], handler: () => 'admin done' });
  mcp.tool('whoami', {
    handler: (_args, ctx) =>
      JSON.stringify({ principal: ctx.principal, issuer: ctx.auth?.issuer, scopes: ctx.auth?.scopes }),
  });
  http = await serveHttp(mcp, {
    host: '127.0.0.1',
    port: 0,
    auth: bearerAuth({
      authorizationServers: [provider.issuer],
      verifier: jwtVerifier({ issuer: provider.issuer }),
      requiredScopes: ['mcp:read'],
    }),
  });
}, 15_000);
afterAll(async () => {
  await http?.close();
  await provider?.close();
}, 15_000);

interface Caller {
  principal: string;
  issuer: string;
  scopes: string[];
}
const whoami = (result: object): Caller => JSON.parse(contentText(result)) as Caller;

/** The claims of a JWT, unverified (erlmcp verified it; the test only reads what it was given). */
function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/**
 * An `OAuthClientProvider` for either SDK, kept in memory, whose "browser" is `authorizeHeadlessly`:
 * `redirectToAuthorization` follows the URL through the provider's headless login and consent and
 * keeps the URL the provider redirected back to, for the test to hand to `finishAuth`.
 */
class HeadlessOAuth {
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  lastState = '';
  discovery: OAuthDiscoveryState | undefined;
  readonly authorizationUrls: URL[] = [];
  callback: URL | undefined;

  state(): string {
    this.lastState = randomUUID();
    return this.lastState;
  }
  get redirectUrl(): string {
    return REDIRECT_URI;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'sdk headless test',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }
  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.client = client;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url);
    this.callback = new URL(await authorizeHeadlessly(url, REDIRECT_URI));
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }
  /**
   * The query the provider redirected back with: a code, and the state of the last authorization
   * request, checked as the application must (neither SDK checks it).
   */
  callbackQuery(): URLSearchParams {
    const query = this.callback?.searchParams ?? new URLSearchParams();
    if (!query.get('code')) throw new Error(`no code in the callback ${this.callback}`);
    expect(query.get('state')).toBe(this.lastState);
    return query;
  }
}

const grants = (type: string) => provider.grants[type] ?? 0;
/** What `promise` was rejected with, or undefined when it was fulfilled. */
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('SDK v2 client, client credentials', { timeout: 15_000 }, () => {
  for (const mode of ['auto', 'legacy'] as const) {
    it(`gets a token for erlmcp from the provider and calls a tool (${mode})`, async () => {
      const authProvider = new ClientCredentialsProvider({
        clientId: provider.clientCredentials.clientId,
        clientSecret: provider.clientCredentials.clientSecret,
        scope: 'mcp:read',
        expectedIssuer: provider.issuer,
      });
      const before = grants('client_credentials');
      const client = new V2Client({ name: `v2-cc-${mode}`, version: '1' }, { versionNegotiation: { mode } });
      await client.connect(new V2HttpTransport(new URL(http.url), { authProvider }));
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        expect(whoami(await client.callTool({ name: 'whoami', arguments: {} }))).toEqual({
          principal: `${provider.issuer}#${provider.clientCredentials.clientId}`,
          issuer: provider.issuer,
          scopes: ['mcp:read'],
        });
      } finally {
        await client.close();
      }
      expect(grants('client_credentials')).toBe(before + 1);
      const token = authProvider.tokens()?.access_token ?? '';
      expect(claimsOf(token)).toMatchObject({ iss: provider.issuer, aud: http.url });
    });
  }

  it('authenticates to the provider with private_key_jwt', async () => {
    const authProvider = new PrivateKeyJwtProvider({
      clientId: provider.clientCredentials.jwtClientId,
      privateKey: { ...(await exportJWK(provider.clientCredentials.privateKey)) },
      algorithm: 'ES256',
      scope: 'mcp:read',
      expectedIssuer: provider.issuer,
    });
    const client = new V2Client({ name: 'v2-jwt', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new V2HttpTransport(new URL(http.url), { authProvider }));
    try {
      expect(whoami(await client.callTool({ name: 'whoami', arguments: {} })).principal).toBe(
        `${provider.issuer}#${provider.clientCredentials.jwtClientId}`,
      );
    } finally {
      await client.close();
    }
  });
});

/**
 * A v2 client's first connection without a token: refused with UnauthorizedError once
 * `redirectToAuthorization` has run; its transport, which `finishAuth` needs.
 */
async function refusedV2(oauth: HeadlessOAuth, options: ClientOptions): Promise<V2HttpTransport> {
  const client = new V2Client({ name: 'v2-first', version: '1' }, options);
  const transport = new V2HttpTransport(new URL(http.url), { authProvider: oauth });
  const refused = await failure(client.connect(transport));
  await client.close();
  expect(refused).toBeInstanceOf(V2UnauthorizedError);
  return transport;
}

describe('SDK v2 client, authorization code (headless)', { timeout: 15_000 }, () => {
  for (const mode of ['auto', 'legacy'] as const) {
    it(`registers, authorizes with PKCE and resource, finishes with the code, reconnects and calls a tool (${mode})`, async () => {
      const oauth = new HeadlessOAuth();
      const options = { versionNegotiation: { mode } } as const;
      const transport = await refusedV2(oauth, options);
      expect(oauth.client?.client_id).toEqual(expect.any(String));
      const query = oauth.authorizationUrls[0]?.searchParams;
      expect(oauth.authorizationUrls[0]?.href.startsWith(`${provider.issuer}/`)).toBe(true);
      expect(query?.get('resource')).toBe(http.url);
      expect(query?.get('code_challenge_method')).toBe('S256');
      expect(query?.get('scope')?.split(' ')).toContain('mcp:read');

      await transport.finishAuth(oauth.callbackQuery());
      expect(claimsOf(oauth.saved?.access_token ?? '')).toMatchObject({
        iss: provider.issuer,
        aud: http.url,
        sub: 'test-user',
      });

      const client = new V2Client({ name: `v2-code-${mode}`, version: '1' }, options);
      await client.connect(new V2HttpTransport(new URL(http.url), { authProvider: oauth }));
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        const caller = whoami(await client.callTool({ name: 'whoami', arguments: {} }));
        expect(caller.principal).toBe(`${provider.issuer}#test-user`);
        expect(caller.issuer).toBe(provider.issuer);
        expect(caller.scopes).toContain('mcp:read');
      } finally {
        await client.close();
      }
      expect(oauth.authorizationUrls).toHaveLength(1);
    });
  }
});

/**
 * The client registered beforehand, by DCR without `scope`, so oidc-provider lets it ask for any of
 * the resource's scopes. Left to itself, SDK v2 registers with the scope of the first challenge
 * (`mcp:read offline_access`, SEP-835), and oidc-provider takes a client's registered `scope` as the
 * most it may ever ask for: the step-up authorization is then refused with `invalid_scope`
 * ("requested scope is not allowed").
 */
async function preRegistered(oauth: HeadlessOAuth): Promise<void> {
  const response = await fetch(`${provider.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(oauth.clientMetadata),
  });
  expect(response.status).toBe(201);
  oauth.client = { ...((await response.json()) as OAuthClientInformationMixed), issuer: provider.issuer };
}

describe('SDK v2 client, step-up on 403 insufficient_scope', { timeout: 15_000 }, () => {
  for (const mode of ['auto', 'legacy'] as const) {
    it(`re-authorizes for the union of scopes, finishes with the code and retries (${mode})`, async () => {
      const oauth = new HeadlessOAuth();
      await preRegistered(oauth);
      const options = { versionNegotiation: { mode } } as const;
      await (await refusedV2(oauth, options)).finishAuth(oauth.callbackQuery());

      const client = new V2Client({ name: `v2-step-${mode}`, version: '1' }, options);
      const transport = new V2HttpTransport(new URL(http.url), { authProvider: oauth });
      await client.connect(transport);
      try {
        const session = transport.sessionId;
        expect(whoami(await client.callTool({ name: 'whoami', arguments: {} })).scopes).not.toContain(
          'mcp:admin',
        );
        const refused = await failure(client.callTool({ name: 'admin_tool', arguments: {} }));
        expect(refused).toBeInstanceOf(V2UnauthorizedError);
        expect(oauth.authorizationUrls).toHaveLength(2);
        // erlmcp's 403 named every scope the call needs; the SDK asked for their union with the held ones.
        expect(oauth.authorizationUrls[1]?.searchParams.get('scope')?.split(' ')).toEqual(
          expect.arrayContaining(['mcp:read', 'mcp:admin']),
        );
        await transport.finishAuth(oauth.callbackQuery());
        expect(contentText(await client.callTool({ name: 'admin_tool', arguments: {} }))).toBe('admin done');
        expect(whoami(await client.callTool({ name: 'whoami', arguments: {} })).scopes).toEqual(
          expect.arrayContaining(['mcp:read', 'mcp:admin']),
        );
        // A 2025 session outlives the new token (erlmcp binds it to the principal, not to the token).
        expect(transport.sessionId).toBe(session);
      } finally {
        await client.close();
      }
    });
  }
});

describe('SDK v1 client, authorization code (headless)', { timeout: 15_000 }, () => {
  it('registers, authorizes, finishes with the code, reconnects and calls a tool in a 2025 session', async () => {
    const oauth = new HeadlessOAuth();
    const first = new V1Client({ name: 'v1-code', version: '1' });
    const transport = new V1HttpTransport(new URL(http.url), { authProvider: oauth });
    const refused = await failure(first.connect(transport));
    await first.close();
    expect(refused).toBeInstanceOf(V1UnauthorizedError);
    const query = oauth.authorizationUrls[0]?.searchParams;
    expect(query?.get('resource')).toBe(http.url);
    expect(query?.get('code_challenge_method')).toBe('S256');

    // SDK v1 (1.32) takes the code alone: the `iss` of the response (RFC 9207) is not checked.
    await transport.finishAuth(oauth.callbackQuery().get('code') ?? '');
    expect(claimsOf(oauth.saved?.access_token ?? '')).toMatchObject({ iss: provider.issuer, aud: http.url });

    const client = new V1Client({ name: 'v1-code', version: '1' });
    const session = new V1HttpTransport(new URL(http.url), { authProvider: oauth });
    await client.connect(session);
    try {
      expect(session.sessionId).toEqual(expect.any(String));
      const caller = whoami(await client.callTool({ name: 'whoami', arguments: {} }));
      expect(caller.principal).toBe(`${provider.issuer}#test-user`);
      expect(caller.scopes).toContain('mcp:read');
    } finally {
      await session.terminateSession();
      await client.close();
    }
  });

  it('without a token raises UnauthorizedError, having followed the 401 challenge to the provider', async () => {
    // The user never comes back from the authorization URL: the SDK has nothing to send and says so.
    const oauth = new HeadlessOAuth();
    oauth.redirectToAuthorization = async (url: URL) => {
      oauth.authorizationUrls.push(url);
    };
    const exchanges: { url: string; status: number; challenge: string | null }[] = [];
    const client = new V1Client({ name: 'v1-none', version: '1' });
    const transport = new V1HttpTransport(new URL(http.url), {
      authProvider: oauth,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        exchanges.push({
          url: String(input),
          status: response.status,
          challenge: response.headers.get('www-authenticate'),
        });
        return response;
      },
    });
    const refused = await failure(client.connect(transport));
    await client.close();
    expect(refused).toBeInstanceOf(V1UnauthorizedError);
    const [initialize, metadata] = exchanges;
    expect(initialize).toMatchObject({ url: http.url, status: 401 });
    const resourceMetadata = /resource_metadata="([^"]+)"/.exec(initialize?.challenge ?? '')?.[1];
    expect(metadata).toEqual({ url: resourceMetadata, status: 200, challenge: null });
    // From the resource's metadata to the provider: its OpenID metadata, then its registration endpoint.
    expect(exchanges).toContainEqual(
      expect.objectContaining({ url: `${provider.issuer}/.well-known/openid-configuration`, status: 200 }),
    );
    expect(exchanges.at(-1)).toMatchObject({ url: `${provider.issuer}/reg`, status: 201 });
    expect(oauth.authorizationUrls[0]?.href.startsWith(`${provider.issuer}/auth?`)).toBe(true);
    expect(oauth.saved).toBeUndefined();
  });
});
