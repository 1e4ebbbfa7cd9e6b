import type { webcrypto } from 'node:crypto';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { AuthorizationServerMetadata } from '../metadata/types.js';
import { canonicalResourceUri } from '../metadata/well-known.js';
import {
  type Discovery,
  discover,
  fetchAuthorizationServerMetadata,
  legacyDefaultEndpoints,
} from './discovery.js';
import { DpopProver } from './dpop.js';
import {
  authorizationRequest,
  type ClientAuthentication,
  clientAuthentication,
  clientGrant,
  exchangeCode,
  type GrantContext,
  JWT_BEARER_GRANT,
  refresh,
} from './grants.js';
import type { HttpAuth, HttpAuthRequest } from './http-auth.js';
import type { AuthorizationCallback, OAuthClientOptions } from './oauth-client-options.js';
import { importPrivateKey } from './private-key.js';
import { resolveClient } from './registration.js';
import {
  MemoryTokenStore,
  type StoredClient,
  type StoredTokens,
  type TokenStore,
  tokensKey,
} from './token-store.js';
import { type BearerChallenge, bearerChallenge, parseWwwAuthenticate } from './www-authenticate.js';

const split = (scope: string | undefined): string[] => (scope ?? '').split(' ').filter(Boolean);
const union = (...scopes: (string | undefined)[]): string[] => [...new Set(scopes.flatMap(split))];

/**
 * An OAuth 2.1 client for MCP servers (both revisions): give it to a client transport
 * (`new StreamableHttpClientTransport(url, { auth })`) and it attaches tokens, answers 401 by
 * discovering and authorizing, 403 `insufficient_scope` by stepping up to the union of the held
 * and the challenged scopes, and refreshes expiring tokens once however many requests need them.
 */
export class OAuthClient implements HttpAuth {
  readonly #options: OAuthClientOptions;
  readonly #store: TokenStore;
  readonly #cache = new Map<string, StoredTokens | undefined>();
  readonly #servers = new Map<string, AuthorizationServerMetadata>();
  readonly #flights = new Map<string, Promise<unknown>>();
  readonly #used = new WeakMap<HttpAuthRequest, string | undefined>();
  #privateKey: Promise<webcrypto.CryptoKey> | undefined;
  #prover: Promise<DpopProver> | undefined;

  constructor(options: OAuthClientOptions) {
    if (
      !options.clientCredentials &&
      !options.jwtBearer &&
      !(options.redirectUri && options.onAuthorizationUrl)
    ) {
      throw new TypeError(
        'OAuthClient needs redirectUri and onAuthorizationUrl, clientCredentials or jwtBearer',
      );
    }
    this.#options = options;
    this.#store = options.store ?? new MemoryTokenStore();
  }

  /** The store the client keeps its tokens and registrations in. */
  get store(): TokenStore {
    return this.#store;
  }

  async headers(request: HttpAuthRequest): Promise<Record<string, string>> {
    const key = this.#key(request.endpoint);
    let tokens = await this.#current(key);
    if (tokens && this.#expiring(tokens)) {
      const seen = tokens;
      tokens = await this.#flight(`refresh ${key}`, () => this.#renew(request.endpoint, key, seen));
    }
    this.#used.set(request, tokens?.access_token);
    if (!tokens) return {};
    const headers: Record<string, string> = { authorization: `${tokens.token_type} ${tokens.access_token}` };
    const prover = await this.#dpop();
    if (tokens.token_type === 'DPoP' && prover) {
      headers.dpop = await prover.proof(request.method, request.url, tokens.access_token);
    }
    return headers;
  }

  async refused(request: HttpAuthRequest, response: Response, attempt: number): Promise<boolean> {
    const header = response.headers.get('www-authenticate');
    const challenge = bearerChallenge(header);
    if (response.status === 403 && challenge?.error !== 'insufficient_scope') return false;
    if (response.status !== 401 && response.status !== 403) return false;
    // A challenge of another scheme only (Basic, Negotiate…) is not for OAuth; none at all may be a 2025-03-26 server.
    if (header && !challenge) return false;
    if (attempt >= (this.#options.maxAttempts ?? 3)) {
      throw new ErlmcpError(
        'ERR_UNAUTHORIZED',
        `The MCP server still answers ${response.status} after ${attempt} authorization attempts`,
      );
    }
    // RFC 9449 §9: the server wants a proof with its nonce; the credentials themselves are fine.
    const prover = await this.#dpop();
    if (
      prover &&
      parseWwwAuthenticate(header).some((entry) => entry.params.error === 'use_dpop_nonce') &&
      prover.rememberNonce(request.url, response)
    ) {
      return true;
    }
    const key = this.#key(request.endpoint);
    const used = this.#used.get(request);
    const current = await this.#current(key);
    // Someone got a newer token since this request left: try that one first.
    if (current && current.access_token !== used && (response.status === 401 || covers(current, challenge))) {
      return true;
    }
    await this.#flight(`authorize ${key}`, () =>
      this.#reauthorize(request.endpoint, key, response.status, challenge, used),
    );
    return true;
  }

  /** Forgets the tokens of an MCP server (e.g. on sign-out); the next request authorizes anew. */
  async forget(endpoint: string | URL): Promise<void> {
    const key = this.#key(new URL(endpoint));
    this.#cache.set(key, undefined);
    await this.#store.save(key, undefined);
  }

  #key(endpoint: URL): string {
    return tokensKey(canonicalResourceUri(endpoint));
  }

  async #current(key: string): Promise<StoredTokens | undefined> {
    if (!this.#cache.has(key)) {
      const record = await this.#store.load(key);
      if (!this.#cache.has(key)) this.#cache.set(key, record?.kind === 'tokens' ? record : undefined);
    }
    return this.#cache.get(key);
  }

  #remember(key: string, tokens: StoredTokens | undefined): StoredTokens | undefined {
    this.#cache.set(key, tokens);
    return tokens;
  }

  #expiring(tokens: StoredTokens): boolean {
    if (tokens.expires_at === undefined) return false;
    let skew = this.#options.expirySkewMs ?? 30_000;
    if (tokens.issued_at !== undefined) skew = Math.min(skew, (tokens.expires_at - tokens.issued_at) / 2);
    return tokens.expires_at - skew <= Date.now();
  }

  /** One run of `task` per key at a time: concurrent callers share its result. */
  #flight<T>(key: string, task: () => Promise<T>): Promise<T> {
    let pending = this.#flights.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = task().finally(() => this.#flights.delete(key));
      this.#flights.set(key, pending);
    }
    return pending;
  }

  /**
   * Renews an expiring token under the store's lock: re-read first (another process may have
   * refreshed already; a rotated refresh token must be used once), then refresh, or for a client
   * credentials client get a new token. Undefined when nothing could renew it (the request then
   * goes without, and the server's 401 starts an authorization).
   */
  #renew(endpoint: URL, key: string, seen: StoredTokens): Promise<StoredTokens | undefined> {
    return this.#store.lock(key, async () => {
      const stored = await this.#store.load(key);
      const latest = stored?.kind === 'tokens' ? stored : undefined;
      if (latest && latest.access_token !== seen.access_token && !this.#expiring(latest)) {
        return this.#remember(key, latest);
      }
      const tokens = latest ?? seen;
      const server = await this.#serverFor(tokens.issuer, endpoint);
      try {
        let renewed: StoredTokens | undefined;
        if (tokens.refresh_token) {
          const context = await this.#context(server, tokens.resource, false);
          if (context) renewed = await refresh(context, tokens);
        } else if (this.#options.clientCredentials || this.#options.jwtBearer) {
          renewed = await this.#clientGrant(server, tokens.resource, tokens.scope);
        }
        await this.#store.save(key, renewed);
        return this.#remember(key, renewed);
      } catch (error) {
        if (!(error instanceof ErlmcpError) || error.code !== 'ERR_OAUTH_TOKEN') throw error;
        // The refresh token is spent or revoked: a new authorization will be needed.
        await this.#store.save(key, undefined);
        return this.#remember(key, undefined);
      }
    });
  }

  async #reauthorize(
    endpoint: URL,
    key: string,
    status: number,
    challenge: BearerChallenge | undefined,
    used: string | undefined,
  ): Promise<void> {
    const stored = await this.#store.load(key);
    const previous = stored?.kind === 'tokens' ? stored : undefined;
    if (status === 401 && previous && previous.access_token !== used && !this.#expiring(previous)) {
      this.#remember(key, previous);
      return;
    }
    // Discovery runs again on every refusal: the server may have moved to another authorization server.
    const discovery = await discover(
      endpoint,
      challenge?.resourceMetadata,
      this.#options,
      this.#options.chooseAuthorizationServer,
    );
    const server = discovery.authorizationServer;
    this.#servers.set(server.issuer, server);
    const sameServer = previous?.issuer === server.issuer && previous.resource === discovery.resource;
    if (status === 403 && sameServer && covers(previous, challenge)) {
      throw new ErlmcpError(
        'ERR_UNAUTHORIZED',
        `The MCP server refuses scope "${challenge?.scope ?? ''}" although the token holds it; not authorizing again`,
      );
    }
    if (status === 401 && sameServer && previous?.refresh_token && previous.access_token === used) {
      const context = await this.#context(server, discovery.resource, false);
      const renewed = context ? await refresh(context, previous).catch(() => undefined) : undefined;
      if (renewed) {
        await this.#store.save(key, renewed);
        this.#remember(key, renewed);
        return;
      }
    }
    const scope = this.#selectScope(challenge, discovery, sameServer ? previous?.scope : undefined);
    const tokens =
      this.#options.clientCredentials || this.#options.jwtBearer
        ? await this.#clientGrant(server, discovery.resource, scope)
        : await this.#authorizationCode(server, discovery.resource, scope);
    await this.#store.save(key, tokens);
    this.#remember(key, tokens);
  }

  /**
   * The scope selection of the specification: the challenge's `scope`, else the resource's
   * `scopes_supported`, else none; united with what was held before (step-up keeps earlier
   * permissions); `offline_access` added when the authorization server offers it.
   */
  #selectScope(
    challenge: BearerChallenge | undefined,
    discovery: Discovery,
    held: string | undefined,
  ): string | undefined {
    const wanted = challenge?.scope ?? discovery.resourceMetadata?.scopes_supported?.join(' ');
    const scopes = union(held, wanted);
    if (
      !this.#options.clientCredentials &&
      !this.#options.jwtBearer &&
      this.#options.offlineAccess !== false &&
      discovery.authorizationServer.scopes_supported?.includes('offline_access') &&
      !scopes.includes('offline_access')
    ) {
      scopes.push('offline_access');
    }
    return scopes.length > 0 ? scopes.join(' ') : undefined;
  }

  async #authorizationCode(server: AuthorizationServerMetadata, resource: string, scope: string | undefined) {
    const context = (await this.#context(server, resource, true))!;
    const { redirectUri, onAuthorizationUrl } = this.#options;
    const pending = await authorizationRequest(context, redirectUri!, scope);
    let answer: AuthorizationCallback;
    try {
      answer = await onAuthorizationUrl!({
        url: pending.url,
        issuer: server.issuer,
        resource,
        ...(scope ? { scope } : {}),
      });
    } catch (error) {
      throw new ErlmcpError(
        'ERR_OAUTH_AUTHORIZATION',
        `Authorization did not complete: ${(error as Error).message}`,
      );
    }
    return exchangeCode(context, pending, callbackParameters(answer), scope);
  }

  /** The grants without a user: client credentials, or JWT-bearer with an assertion. */
  async #clientGrant(server: AuthorizationServerMetadata, resource: string, scope: string | undefined) {
    const bearer = this.#options.jwtBearer;
    if (!bearer) return this.#clientCredentialsGrant(server, resource, scope);
    const client: StoredClient = {
      kind: 'client',
      issuer: server.issuer,
      client_id: bearer.clientId,
      ...(bearer.clientSecret === undefined ? {} : { client_secret: bearer.clientSecret }),
    };
    const wanted = bearer.scope ?? scope;
    const assertion =
      typeof bearer.assertion === 'string'
        ? bearer.assertion
        : await bearer.assertion({ issuer: server.issuer, resource, ...(wanted ? { scope: wanted } : {}) });
    const context = await this.#grantContext(server, client, resource, clientAuthentication(client, server));
    return clientGrant(context, JWT_BEARER_GRANT, wanted, { assertion });
  }

  async #clientCredentialsGrant(
    server: AuthorizationServerMetadata,
    resource: string,
    scope: string | undefined,
  ) {
    const credentials = this.#options.clientCredentials!;
    if (credentials.issuer !== undefined && credentials.issuer !== server.issuer) {
      throw new ErlmcpError(
        'ERR_OAUTH_REGISTRATION',
        `The client credentials are for ${credentials.issuer}, but the MCP server now uses ${server.issuer}`,
      );
    }
    const client: StoredClient = { kind: 'client', issuer: server.issuer, client_id: credentials.clientId };
    let authentication: ClientAuthentication;
    if (credentials.privateKey !== undefined) {
      const { privateKey, algorithm = 'ES256' } = credentials;
      this.#privateKey ??=
        typeof privateKey === 'string'
          ? importPrivateKey(privateKey, algorithm)
          : Promise.resolve(privateKey);
      const key = await this.#privateKey;
      authentication =
        credentials.kid === undefined
          ? { method: 'private_key_jwt', key }
          : { method: 'private_key_jwt', key, kid: credentials.kid };
    } else {
      authentication = clientAuthentication(
        { ...client, ...(credentials.clientSecret ? { client_secret: credentials.clientSecret } : {}) },
        server,
      );
    }
    const context = await this.#grantContext(server, client, resource, authentication);
    return clientGrant(context, 'client_credentials', credentials.scope ?? scope);
  }

  /** The grant context for a server: its client identity (registered if asked) and authentication. */
  async #context(
    server: AuthorizationServerMetadata,
    resource: string,
    registerIfMissing: boolean,
  ): Promise<GrantContext | undefined> {
    const { redirectUri } = this.#options;
    const client = await resolveClient(
      server,
      this.#store,
      {
        ...this.#options,
        clientMetadata: {
          client_name: this.#options.clientName ?? 'erlmcp client',
          redirect_uris: redirectUri ? [redirectUri] : [],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          ...this.#options.clientMetadata,
        },
      },
      registerIfMissing,
    );
    if (!client) return undefined;
    return this.#grantContext(server, client, resource, clientAuthentication(client, server));
  }

  async #grantContext(
    server: AuthorizationServerMetadata,
    client: StoredClient,
    resource: string,
    authentication: ClientAuthentication,
  ): Promise<GrantContext> {
    const prover = await this.#dpop();
    const { fetch, allowInsecureHttp, requestTimeoutMs } = this.#options;
    return {
      ...(fetch ? { fetch } : {}),
      ...(allowInsecureHttp === undefined ? {} : { allowInsecureHttp }),
      ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
      ...(prover ? { dpopHandle: prover.handle } : {}),
      server,
      client,
      authentication,
      resource,
    };
  }

  #dpop(): Promise<DpopProver | undefined> {
    const option = this.#options.dpop;
    if (!option) return Promise.resolve(undefined);
    this.#prover ??=
      option === true ? DpopProver.generate() : Promise.resolve(new DpopProver(option.keyPair));
    return this.#prover;
  }

  async #serverFor(issuer: string, endpoint: URL): Promise<AuthorizationServerMetadata> {
    let server = this.#servers.get(issuer);
    if (!server) {
      server =
        (await fetchAuthorizationServerMetadata(issuer, this.#options)) ??
        (issuer === endpoint.origin ? legacyDefaultEndpoints(issuer) : undefined);
      if (!server)
        throw new ErlmcpError('ERR_OAUTH_DISCOVERY', `No authorization server metadata for ${issuer}`);
      this.#servers.set(issuer, server);
    }
    return server;
  }
}

/** Whether the tokens hold every scope the challenge names. */
function covers(tokens: StoredTokens | undefined, challenge: BearerChallenge | undefined): boolean {
  const held = new Set(split(tokens?.scope));
  const wanted = split(challenge?.scope);
  return wanted.length > 0 && wanted.every((scope) => held.has(scope));
}

function callbackParameters(answer: AuthorizationCallback): URLSearchParams {
  if (answer instanceof URLSearchParams) return answer;
  if (answer instanceof URL) return answer.searchParams;
  if (typeof answer === 'string') {
    const query = answer.includes('?') ? answer.slice(answer.indexOf('?') + 1) : answer;
    return new URLSearchParams(query.split('#')[0]);
  }
  const parameters = new URLSearchParams({ code: answer.code, state: answer.state });
  if (answer.iss !== undefined) parameters.set('iss', answer.iss);
  return parameters;
}
