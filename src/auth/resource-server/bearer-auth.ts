import type { AuthInfo } from '../../core/auth-info.js';
import {
  canonicalResource,
  metadataPaths,
  metadataUrl,
  type ProtectedResourceMetadata,
  resourceText,
} from './protected-resource-metadata.js';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.js';
import { type VerifiedEntry, VerifiedTokenCache } from './verified-token-cache.js';
import { bearerChallenge } from './www-authenticate.js';

export interface BearerAuthOptions {
  /**
   * The MCP endpoint's URL as clients reach it: the metadata's `resource`, the audience tokens name.
   * Left out, `serveHttp` fills it in with the URL it listens on (behind a proxy, give the public one).
   */
  resource?: string | URL;
  /** Issuers whose tokens this server accepts (the metadata's `authorization_servers`). */
  authorizationServers: readonly string[];
  /** Checks a token: `jwtVerifier`, `introspectionVerifier`, or your own. */
  verifier: TokenVerifier;
  /** Advertised in the metadata (`scopes_supported`). */
  scopesSupported?: readonly string[];
  /** Scopes every request needs (`initialize`, `server/discover` and `ping` excepted); named in 401 challenges. */
  requiredScopes?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
  /** Put the raw token in `ctx.auth.token`. Default false: a handler cannot pass the caller's token on. */
  exposeToken?: boolean;
  /** Told of every refused token, with the detail the client is not shown (never the token itself). */
  onTokenError?: (error: InvalidTokenError) => void;
  /** Verified tokens remembered (by hash). Default 10 000. */
  cacheMaxEntries?: number;
  /** Longest a verified token is trusted before it is checked again. Default 5 min. */
  cacheMaxAgeMs?: number;
}

/** Why a request is not let in: the HTTP status, the `WWW-Authenticate` challenge, a message. */
export class AuthRefusal {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly challenge: string,
    readonly message: string,
  ) {}
}

// RFC 6750 §2.1: the credentials of `Bearer` are a b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const NO_SCOPES: readonly string[] = [];

/**
 * The resource-server side of MCP authorization for every HTTP entry point: checks the bearer token
 * of each request (a verified token is remembered by hash until it expires, so a repeat costs one
 * hash), builds the RFC 9728 metadata and the challenges of 401 and 403 answers. Tokens in the query
 * string are refused. Concurrent first uses of one token share one verification.
 */
export class BearerAuth {
  readonly requiredScopes: readonly string[];
  readonly #verifier: TokenVerifier;
  readonly #cache: VerifiedTokenCache;
  readonly #pending = new Map<string, Promise<AuthInfo | AuthRefusal>>();
  // The last verified Authorization header of each connection: a keep-alive client sends the same
  // one again, and a string comparison is far cheaper than the SHA-256 a cache lookup needs (the
  // hash was the largest cost auth added to a request). Dies with the connection.
  readonly #lastOnConnection = new WeakMap<object, { authorization: string; entry: VerifiedEntry }>();
  #resource: URL | undefined;
  #metadataUrl = '';
  // Computed once with the resource: routing asks for them on every request.
  #metadataPaths: { readonly pathInserted: string; readonly root: string } | undefined;
  #missing: AuthRefusal | undefined;

  constructor(private readonly options: BearerAuthOptions) {
    if (options.authorizationServers.length === 0) {
      throw new TypeError('bearerAuth needs at least one authorization server');
    }
    this.requiredScopes = options.requiredScopes ?? NO_SCOPES;
    this.#verifier = options.verifier;
    this.#cache = new VerifiedTokenCache(options.cacheMaxEntries ?? 10_000, options.cacheMaxAgeMs ?? 300_000);
    if (options.resource !== undefined) this.bindResource(options.resource);
  }

  /** The protected endpoint's canonical URL. */
  get resource(): URL {
    if (!this.#resource) {
      throw new TypeError('bearerAuth has no resource URL: pass `resource`, or serve it with serveHttp');
    }
    return this.#resource;
  }

  /** Whether the resource URL is known yet (see `bindResource`). */
  get hasResource(): boolean {
    return this.#resource !== undefined;
  }

  /** Absolute URL of the metadata document, as challenges name it. */
  get metadataUrl(): string {
    return this.#metadataUrl;
  }

  /** Paths the metadata is served at: path-inserted (preferred) and the root. */
  get metadataPaths(): { readonly pathInserted: string; readonly root: string } {
    if (!this.#metadataPaths) throw new TypeError('bearerAuth has no resource URL yet');
    return this.#metadataPaths;
  }

  /**
   * Sets the resource URL once (serveHttp calls this with the URL it listens on when `resource` was
   * left out); a second, different URL is refused.
   */
  bindResource(resource: string | URL): void {
    const canonical = canonicalResource(resource);
    if (this.#resource) {
      if (this.#resource.href !== canonical.href) {
        throw new TypeError(`bearerAuth already protects ${this.#resource.href}, not ${canonical.href}`);
      }
      return;
    }
    this.#resource = canonical;
    this.#metadataUrl = metadataUrl(canonical);
    this.#metadataPaths = Object.freeze(metadataPaths(canonical));
    this.#missing = new AuthRefusal(
      401,
      bearerChallenge({ resource_metadata: this.#metadataUrl, scope: this.requiredScopes.join(' ') }),
      'Unauthorized: this server needs an OAuth access token (Authorization: Bearer)',
    );
  }

  /**
   * The credentials of one request, from its `Authorization` header; the request URL is checked for
   * a token in the query string. Synchronous for a token seen before. `connection` (the socket)
   * lets a repeat of the connection's last header skip the hash.
   */
  authenticate(
    authorization: string | undefined,
    requestUrl: string | undefined,
    connection?: object,
  ): AuthInfo | AuthRefusal | Promise<AuthInfo | AuthRefusal> {
    if (requestUrl?.includes('access_token') && tokenInQuery(requestUrl)) {
      return this.#refuse(400, 'invalid_request', 'Access tokens must not be sent in the query string');
    }
    const now = Date.now();
    const last = connection === undefined ? undefined : this.#lastOnConnection.get(connection);
    if (last !== undefined && last.authorization === authorization && last.entry.until > now) {
      return this.options.exposeToken
        ? this.#expose(last.entry.info, bearerToken(authorization)!)
        : last.entry.info;
    }
    const token = authorization === undefined ? undefined : bearerToken(authorization);
    if (token === undefined) {
      return this.#missing ?? this.#refuse(401, 'invalid_request', 'No resource URL is bound');
    }
    const key = this.#cache.key(token);
    const cached = this.#cache.get(key, now);
    if (cached) {
      if (connection !== undefined)
        this.#lastOnConnection.set(connection, { authorization: authorization!, entry: cached });
      return this.#expose(cached.info, token);
    }
    // Only a token not seen before has its syntax checked: a cached one was valid when it was stored.
    if (!B64TOKEN.test(token))
      return this.#refuse(400, 'invalid_request', 'Malformed Authorization: Bearer header');
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#verify(token, key);
      this.#pending.set(key, pending);
      void pending.finally(() => this.#pending.delete(key));
    }
    return pending.then((outcome) =>
      outcome instanceof AuthRefusal ? outcome : this.#expose(outcome, token),
    );
  }

  /**
   * For a connection authorized once for all its messages (WebSocket, the 2024-11-05 SSE stream):
   * a valid token that also holds every required scope (403 otherwise). Never rejects.
   */
  async authorizeConnection(
    authorization: string | undefined,
    requestUrl: string | undefined,
  ): Promise<AuthInfo | AuthRefusal> {
    let outcome: AuthInfo | AuthRefusal;
    try {
      outcome = await this.authenticate(authorization, requestUrl);
    } catch {
      return this.#refuse(401, 'invalid_token', 'The token could not be verified');
    }
    if (outcome instanceof AuthRefusal) return outcome;
    const held = outcome.scopes;
    return this.requiredScopes.every((scope) => held.includes(scope))
      ? outcome
      : this.insufficientScope(this.requiredScopes);
  }

  /** The 403 answer for a token that lacks scopes: names every scope the operation needs. */
  insufficientScope(needed: readonly string[]): AuthRefusal {
    const description = `This operation needs the scopes: ${needed.join(' ')}`;
    return new AuthRefusal(
      403,
      bearerChallenge({
        error: 'insufficient_scope',
        scope: needed.join(' '),
        resource_metadata: this.metadataUrl,
        error_description: description,
      }),
      `Forbidden: ${description}`,
    );
  }

  /** The RFC 9728 document. */
  metadata(): ProtectedResourceMetadata {
    const document: ProtectedResourceMetadata = {
      resource: resourceText(this.resource),
      authorization_servers: [...this.options.authorizationServers],
      bearer_methods_supported: ['header'],
    };
    const scopes =
      this.options.scopesSupported ?? (this.requiredScopes.length > 0 ? this.requiredScopes : undefined);
    if (scopes) document.scopes_supported = [...scopes];
    if (this.options.resourceName) document.resource_name = this.options.resourceName;
    if (this.options.resourceDocumentation)
      document.resource_documentation = this.options.resourceDocumentation;
    return document;
  }

  async #verify(token: string, key: string): Promise<AuthInfo | AuthRefusal> {
    try {
      const info = await this.#verifier(token, { resource: this.resource });
      this.#cache.put(key, info, Date.now());
      return info;
    } catch (error) {
      // An unreachable issuer is a token that cannot be verified now: 401, never 500.
      const invalid =
        error instanceof InvalidTokenError
          ? error
          : new InvalidTokenError(
              'The token cannot be verified now',
              String((error as Error)?.message ?? error),
            );
      this.options.onTokenError?.(invalid);
      return this.#refuse(401, 'invalid_token', invalid.message);
    }
  }

  #expose(info: AuthInfo, token: string): AuthInfo {
    return this.options.exposeToken ? { ...info, token } : info;
  }

  #refuse(status: 400 | 401, error: string, description: string): AuthRefusal {
    return new AuthRefusal(
      status,
      bearerChallenge({
        error,
        error_description: description,
        resource_metadata: this.metadataUrl,
        scope: this.requiredScopes.join(' '),
      }),
      `${status === 400 ? 'Bad Request' : 'Unauthorized'}: ${description}`,
    );
  }
}

/** `bearerAuth(options)`: the resource-server guard `serveHttp`, the HTTP handlers and WebSocket take as `auth`. */
export function bearerAuth(options: BearerAuthOptions): BearerAuth {
  return new BearerAuth(options);
}

/**
 * The credentials of an `Authorization: Bearer …` header (scheme case-insensitive, spaces around
 * trimmed), or undefined for another scheme: a string scan, no regex, on every request.
 */
function bearerToken(authorization: string): string | undefined {
  if (authorization.length < 6 || authorization.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  // `Bearerfoo` is another scheme; `Bearer` with nothing after it is a malformed Bearer ('').
  if (authorization.length > 6 && authorization.charCodeAt(6) !== 32) return undefined;
  return authorization.slice(7).trim();
}

function tokenInQuery(requestUrl: string): boolean {
  const query = requestUrl.indexOf('?');
  return query >= 0 && new URLSearchParams(requestUrl.slice(query + 1)).has('access_token');
}
