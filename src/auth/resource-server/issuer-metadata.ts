import { authorizationServerMetadataUrls } from '../metadata/well-known.js';
import { InvalidTokenError } from './token-verifier.js';

/** The part of RFC 8414 / OpenID Connect discovery metadata a resource server uses. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
}

/**
 * Fetches the issuer's metadata, trying each well-known URL in turn; the document's `issuer` must be
 * identical to the configured one (RFC 8414 §3.3), or it is not used.
 */
export async function fetchIssuerMetadata(
  issuer: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): Promise<IssuerMetadata> {
  const failures: string[] = [];
  // In the spec's order: RFC 8414 path-inserted, OIDC path-inserted, OIDC path-appended.
  for (const { url } of authorizationServerMetadataUrls(issuer)) {
    try {
      const response = await fetchImpl(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        failures.push(`${url.href}: HTTP ${response.status}`);
        continue;
      }
      const metadata = (await response.json()) as Partial<IssuerMetadata>;
      if (metadata.issuer !== issuer) {
        failures.push(`${url.href}: issuer ${JSON.stringify(metadata.issuer)} is not ${issuer}`);
        continue;
      }
      return metadata as IssuerMetadata;
    } catch (error) {
      failures.push(`${url.href}: ${(error as Error).message}`);
    }
  }
  throw new InvalidTokenError(
    'The token cannot be verified now: the authorization server is unreachable',
    `No usable metadata for issuer ${issuer} (${failures.join('; ')})`,
  );
}
