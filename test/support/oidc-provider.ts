/**
 * A real authorization server for tests: `oidc-provider` on 127.0.0.1, port 0, mounted under a path
 * (`/tenant1`, so discovery must use the OIDC path-appended URL). It has resource indicators giving
 * JWT access tokens whose `aud` is the resource, dynamic registration, PKCE, client credentials,
 * refresh-token rotation and `iss` in the authorization response; its interaction is headless (the
 * user "test-user" logs in and consents at once), so `authorizeHeadlessly` completes the
 * authorization code flow with fetch and a cookie jar.
 */
import type { webcrypto } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
// @ts-expect-error oidc-provider ships no type declarations
import Provider from 'oidc-provider';

export const RESOURCE_SCOPES = 'mcp:read mcp:write mcp:admin';

export interface TestProvider {
  /** The issuer identifier (with its `/tenant1` path). */
  issuer: string;
  jwksUri: string;
  /** Pre-registered confidential clients for the client credentials grant. */
  clientCredentials: {
    clientId: string;
    clientSecret: string;
    jwtClientId: string;
    privateKey: webcrypto.CryptoKey;
  };
  /** Successful grants at the token endpoint, by grant type. */
  grants: Record<string, number>;
  /** Refused token requests, by OAuth error. */
  errors: Record<string, number>;
  registrations: number;
  /** Access token lifetime for the next grants, in seconds. */
  setAccessTokenTtl(seconds: number): void;
  close(): Promise<void>;
}

export async function startTestProvider(options: { prefix?: string } = {}): Promise<TestProvider> {
  const prefix = options.prefix ?? '/tenant1';
  const sockets = new Set<Socket>();
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => handle?.(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${prefix}`;

  const signing = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(signing.privateKey)), kid: 'signing', alg: 'RS256', use: 'sig' };
  const clientKeys = await generateKeyPair('ES256', { extractable: true });
  const clientPublicJwk = { ...(await exportJWK(clientKeys.publicKey)), kid: 'client', alg: 'ES256' };
  let accessTokenTtl = 3600;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'cc-client',
        client_secret: 'cc-secret-with-dashes-and_underscores',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'cc-jwt-client',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [clientPublicJwk] },
      },
    ],
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['erlmcp-test-cookie-key'] },
    scopes: ['openid', 'offline_access', ...RESOURCE_SCOPES.split(' ')],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => ({
          scope: RESOURCE_SCOPES,
          audience: resourceIndicator,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${prefix}/interaction/${interaction.uid}`,
    },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    ttl: {
      AccessToken: () => accessTokenTtl,
      ClientCredentials: () => accessTokenTtl,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 24 * 3600,
    },
  });
  // Quiet: the provider's warnings about its in-memory adapter are expected here.
  provider.on('server_error', () => {});

  const grants: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let registrations = 0;
  provider.on('grant.success', (ctx: { oidc: { params: { grant_type: string } } }) => {
    const type = ctx.oidc.params.grant_type;
    grants[type] = (grants[type] ?? 0) + 1;
  });
  provider.on('grant.error', (_ctx: unknown, error: { error?: string }) => {
    const name = error.error ?? 'error';
    errors[name] = (errors[name] ?? 0) + 1;
  });
  provider.on('registration_create.success', () => {
    registrations++;
  });

  const callback = provider.callback();
  handle = (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(`${prefix}/`) && url !== prefix) {
      res.writeHead(404).end();
      return;
    }
    if (url.startsWith(`${prefix}/interaction/`)) {
      void interact(provider, req, res);
      return;
    }
    Object.assign(req, { originalUrl: url, url: url.slice(prefix.length) || '/' });
    callback(req, res);
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    clientCredentials: {
      clientId: 'cc-client',
      clientSecret: 'cc-secret-with-dashes-and_underscores',
      jwtClientId: 'cc-jwt-client',
      privateKey: clientKeys.privateKey as webcrypto.CryptoKey,
    },
    grants,
    errors,
    get registrations() {
      return registrations;
    },
    setAccessTokenTtl(seconds) {
      accessTokenTtl = seconds;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The parts of an oidc-provider instance the headless interaction uses. */
interface InteractiveProvider {
  interactionDetails(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{
    prompt: { name: string; details: unknown };
    params: { client_id: string };
    session: { accountId: string };
    grantId?: string;
  }>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
  Grant: {
    new (init: { accountId: string; clientId: string }): ProviderGrant;
    find(id: string): Promise<ProviderGrant>;
  };
}
interface ProviderGrant {
  addOIDCScope(scope: string): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}

/** The headless user: logs in as "test-user", then grants every scope asked for. */
async function interact(
  provider: InteractiveProvider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session, grantId } = details;
    if (prompt.name === 'login') {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: 'test-user' } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const saved = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: saved } },
      { mergeWithLastSubmission: true },
    );
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
}

/**
 * The browser's part, without a browser: follows the authorization URL's redirects (keeping the
 * provider's cookies) until one goes to `redirectUri`, and returns that URL.
 */
export async function authorizeHeadlessly(url: URL, redirectUri: string): Promise<string> {
  const cookies = new Map<string, string>();
  let next = url;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      if (index > 0) cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1));
    }
    const location = response.headers.get('location');
    if (!location) {
      throw new Error(
        `authorization stopped at ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    }
    await response.body?.cancel();
    if (location.startsWith(redirectUri)) return location;
    next = new URL(location, next);
  }
  throw new Error('too many redirects during authorization');
}
