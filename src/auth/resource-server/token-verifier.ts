import type { AuthInfo } from '../../core/auth-info.js';

/**
 * A token that cannot be accepted: bad signature, wrong audience or issuer, expired, unknown to the
 * authorization server, or not verifiable right now. Always a 401 `invalid_token`; the message is
 * for logs and `error_description`, and never contains the token.
 */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';

  constructor(
    message: string,
    /** What went wrong in detail (URLs, causes), for diagnostics only: the client sees `message`. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** What every verifier that talks to the authorization server is told. */
export interface IssuerOptions {
  /** The authorization server's issuer identifier; tokens must carry it as `iss`. */
  issuer: string;
  /**
   * What `aud` must contain (RFC 8707). Default: the resource `bearerAuth` protects (the endpoint's
   * canonical URL), which `serveHttp` knows even with port 0.
   */
  audience?: string | readonly string[];
  /** Deadline of one call to the authorization server (metadata, keys, introspection). Default 5 s. */
  fetchTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** What the guard tells a verifier about itself. */
export interface VerifyContext {
  /** The canonical URL of the protected resource: the default audience. */
  readonly resource: URL;
}

/** Checks an access token and says who it belongs to; throws InvalidTokenError when it is not valid. */
export type TokenVerifier = (token: string, context?: VerifyContext) => AuthInfo | Promise<AuthInfo>;

/** The audiences a token may name: the configured ones, else the resource (with and without a trailing slash). */
export function audiencesOf(
  configured: string | readonly string[] | undefined,
  context: VerifyContext | undefined,
): string[] {
  if (configured !== undefined) return typeof configured === 'string' ? [configured] : [...configured];
  if (!context) throw new TypeError('A verifier used outside bearerAuth needs its `audience`');
  const href = context.resource.href;
  const bare = href.endsWith('/') ? href.slice(0, -1) : href;
  return [bare, `${bare}/`];
}

/**
 * AuthInfo from verified claims (a JWT payload or an introspection answer). The principal is
 * `<issuer>#<subject>`, or `<issuer>#client:<client_id>` for a client acting for itself; scopes come
 * from `scope` (space-delimited, RFC 9068/7662) or `scp` (an array, as some IdPs send).
 */
export function authInfoFromClaims(claims: Record<string, unknown>, issuer: string | undefined): AuthInfo {
  const iss = typeof claims.iss === 'string' ? claims.iss : issuer;
  const subject = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  const clientId = firstString(claims.client_id, claims.azp);
  if (subject === undefined && clientId === undefined) {
    throw new InvalidTokenError('The token names neither a subject (sub) nor a client (client_id)');
  }
  const principal = subject !== undefined ? `${iss ?? ''}#${subject}` : `${iss ?? ''}#client:${clientId}`;
  return {
    principal,
    issuer: iss,
    subject,
    clientId,
    scopes: scopesOf(claims),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    claims,
  };
}

function scopesOf(claims: Record<string, unknown>): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp))
    return claims.scp.filter((scope): scope is string => typeof scope === 'string');
  if (typeof claims.scp === 'string') return claims.scp.split(' ').filter(Boolean);
  return [];
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}
