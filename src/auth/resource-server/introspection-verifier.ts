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

export interface IntrospectionVerifierOptions extends IssuerOptions {
  /** The RFC 7662 introspection endpoint; the issuer's metadata names it when left out. */
  endpoint?: string;
  /** This resource server's own credentials at the authorization server (HTTP Basic). */
  clientId: string;
  clientSecret: string;
  /** Accept an active token whose answer carries no `aud` at all. Default false (RFC 8707). */
  allowMissingAudience?: boolean;
}

/**
 * Verifies opaque tokens by asking the authorization server (RFC 7662). The answer must say
 * `active`, name this server in `aud`, and not be expired; the verified-token cache in front keeps
 * this to one call per token.
 */
export function introspectionVerifier(options: IntrospectionVerifierOptions): TokenVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.fetchTimeoutMs ?? 5_000;
  const credentials = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');
  let endpoint: Promise<string> | undefined;
  const endpointUrl = () => {
    endpoint ??= options.endpoint
      ? Promise.resolve(options.endpoint)
      : fetchIssuerMetadata(options.issuer, fetchImpl, timeoutMs).then((metadata) => {
          if (!metadata.introspection_endpoint) {
            throw new InvalidTokenError(`Issuer ${options.issuer} publishes no introspection_endpoint`);
          }
          return metadata.introspection_endpoint;
        });
    endpoint.catch(() => {
      endpoint = undefined;
    });
    return endpoint;
  };
  return async (token: string, context?: VerifyContext): Promise<AuthInfo> => {
    const audiences = audiencesOf(options.audience, context);
    let answer: Record<string, unknown>;
    try {
      const response = await fetchImpl(await endpointUrl(), {
        method: 'POST',
        headers: {
          authorization: `Basic ${credentials}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        throw new InvalidTokenError(
          'The token cannot be verified now: introspection failed',
          `Introspection answered HTTP ${response.status}`,
        );
      }
      answer = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw new InvalidTokenError(
        'The token cannot be verified now: introspection failed',
        (error as Error).message,
      );
    }
    if (answer.active !== true) throw new InvalidTokenError('The token is not active');
    if (typeof answer.iss === 'string' && answer.iss !== options.issuer) {
      throw new InvalidTokenError(`The token was issued by ${answer.iss}, not ${options.issuer}`);
    }
    const aud =
      typeof answer.aud === 'string' ? [answer.aud] : Array.isArray(answer.aud) ? answer.aud : undefined;
    if (aud === undefined ? !options.allowMissingAudience : !aud.some((value) => audiences.includes(value))) {
      throw new InvalidTokenError('The token is not meant for this server (aud)');
    }
    if (typeof answer.exp === 'number' && answer.exp * 1000 <= Date.now()) {
      throw new InvalidTokenError('The token has expired');
    }
    return authInfoFromClaims(answer, options.issuer);
  };
}
