import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify } from 'jose';
import type { AuthInfo } from '../../core/auth-info.js';
import { fetchIssuerMetadata } from './issuer-metadata.js';
import {
  audiencesOf,
  authInfoFromClaims,
  InvalidTokenError,
  type IssuerOptions,
  type TokenVerifier,
  type VerifyContext,
} from './token-verifier.js';

/** Asymmetric algorithms only: never `none`, never an HMAC (whose "key" a JWKS would publish). */
export const DEFAULT_JWT_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export interface JwtVerifierOptions extends IssuerOptions {
  /** The issuer's JWKS; discovered from its RFC 8414 / OIDC metadata when left out. */
  jwksUrl?: string;
  /** Accepted signature algorithms. Default: the asymmetric ones (`DEFAULT_JWT_ALGORITHMS`). */
  algorithms?: readonly string[];
  /** Leeway for `exp` and `nbf`, seconds. Default 30. */
  clockSkewSeconds?: number;
  /** Required JOSE `typ`, e.g. `at+jwt` (RFC 9068). Default: not checked (many IdPs send `JWT`). */
  typ?: string;
  /** Keys are refetched at most this often when a token names an unknown `kid`. Default 30 s. */
  jwksCooldownMs?: number;
  /** Keys are refetched after this long regardless. Default 10 min. */
  jwksMaxAgeMs?: number;
}

/**
 * Verifies JWT access tokens against the issuer's keys, fetched on first use and cached; a token
 * signed with a key the cache does not know triggers a refetch (rotation), at most once per
 * cooldown. Every failure is an InvalidTokenError (401), including an unreachable issuer.
 */
export function jwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.fetchTimeoutMs ?? 5_000;
  const verifyOptions = {
    issuer: options.issuer,
    algorithms: [...(options.algorithms ?? DEFAULT_JWT_ALGORITHMS)],
    clockTolerance: options.clockSkewSeconds ?? 30,
    ...(options.typ ? { typ: options.typ } : {}),
  };
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    keys ??= (async () => {
      const url =
        options.jwksUrl ?? (await fetchIssuerMetadata(options.issuer, fetchImpl, timeoutMs)).jwks_uri;
      if (!url) throw new InvalidTokenError(`Issuer ${options.issuer} publishes no jwks_uri`);
      return createRemoteJWKSet(new URL(url), {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
        timeoutDuration: timeoutMs,
        [customFetch]: fetchImpl,
      });
    })();
    // A failed discovery is retried by the next token rather than remembered.
    keys.catch(() => {
      keys = undefined;
    });
    return keys;
  };
  return async (token: string, context?: VerifyContext): Promise<AuthInfo> => {
    let payload: JWTPayload;
    try {
      const audience = audiencesOf(options.audience, context);
      ({ payload } = await jwtVerify(token, await keySet(), { ...verifyOptions, audience }));
    } catch (error) {
      throw asInvalidToken(error);
    }
    return authInfoFromClaims(payload as Record<string, unknown>, options.issuer);
  };
}

function asInvalidToken(error: unknown): InvalidTokenError {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidTokenError(`The token's ${error.claim} claim is not valid (${error.reason})`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new InvalidTokenError('The token is signed with an algorithm this server does not accept');
  if (error instanceof errors.JWKSNoMatchingKey)
    return new InvalidTokenError('The token is signed with a key the issuer does not publish');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError('The token signature is not valid');
  if (error instanceof errors.JOSEError)
    return new InvalidTokenError(`The token is not valid (${error.code})`);
  return new InvalidTokenError(
    `The token could not be verified: ${(error as Error)?.message ?? String(error)}`,
  );
}
