import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { AuthorizationServerMetadata, ProtectedResourceMetadata } from '../metadata/types.js';
import {
  authorizationServerMetadataUrls,
  canonicalResourceUri,
  protectedResourceMetadataUrls,
  resourceCovers,
} from '../metadata/well-known.js';
import { fetchJsonDocument, type OAuthHttpOptions } from './http.js';

/** What discovery found out about an MCP endpoint. */
export interface Discovery {
  /** The `resource` (RFC 8707) to request tokens for: the metadata's, else the endpoint's canonical URI. */
  resource: string;
  /** The Protected Resource Metadata; absent for a 2025-03-26 server that publishes none. */
  resourceMetadata?: ProtectedResourceMetadata;
  /** The authorization server's metadata, its `issuer` checked against the identifier used. */
  authorizationServer: AuthorizationServerMetadata;
}

/**
 * Discovery in the order of the MCP specification: the `resource_metadata` URL of the challenge,
 * then the path-inserted and root well-known Protected Resource Metadata; then the authorization
 * server's metadata (RFC 8414 / OIDC, path-inserted first). A server with no Protected Resource
 * Metadata is a 2025-03-26 one: its origin is the authorization server, with the default endpoints
 * `/authorize`, `/token`, `/register` when it publishes no metadata either.
 */
export async function discover(
  endpoint: URL,
  resourceMetadataUrl: string | undefined,
  options: OAuthHttpOptions,
  chooseIssuer: (issuers: string[]) => string = (issuers) => issuers[0]!,
): Promise<Discovery> {
  const resourceMetadata = await fetchResourceMetadata(endpoint, resourceMetadataUrl, options);
  if (!resourceMetadata) {
    const issuer = endpoint.origin;
    const found = await fetchAuthorizationServerMetadata(issuer, options, true);
    return {
      resource: canonicalResourceUri(endpoint),
      authorizationServer: found ?? legacyDefaultEndpoints(issuer),
    };
  }
  const issuers = resourceMetadata.authorization_servers;
  if (!Array.isArray(issuers) || issuers.length === 0 || !issuers.every((i) => typeof i === 'string')) {
    throw new ErlmcpError(
      'ERR_OAUTH_DISCOVERY',
      'The Protected Resource Metadata names no authorization server',
    );
  }
  const issuer = chooseIssuer(issuers);
  const authorizationServer = await fetchAuthorizationServerMetadata(issuer, options);
  if (!authorizationServer) {
    throw new ErlmcpError(
      'ERR_OAUTH_DISCOVERY',
      `No authorization server metadata with issuer ${issuer} (RFC 8414 / OpenID Connect discovery)`,
    );
  }
  return { resource: resourceMetadata.resource, resourceMetadata, authorizationServer };
}

async function fetchResourceMetadata(
  endpoint: URL,
  fromChallenge: string | undefined,
  options: OAuthHttpOptions,
): Promise<ProtectedResourceMetadata | undefined> {
  const candidates = protectedResourceMetadataUrls(endpoint);
  if (fromChallenge) {
    try {
      candidates.unshift(new URL(fromChallenge, endpoint));
    } catch {
      // An unparsable URL in the challenge: the well-known locations remain.
    }
  }
  for (const url of candidates) {
    const document = await fetchJsonDocument(url, options);
    if (!document) continue;
    if (typeof document.resource !== 'string') continue;
    // RFC 9728 §3.3 / §7.3: metadata for another resource must not be used (mix-up, token theft).
    if (!resourceCovers(document.resource, endpoint)) {
      throw new ErlmcpError(
        'ERR_OAUTH_DISCOVERY',
        `The Protected Resource Metadata is for ${document.resource}, not for ${canonicalResourceUri(endpoint)}`,
      );
    }
    return document as ProtectedResourceMetadata;
  }
  return undefined;
}

/**
 * The first metadata document, in the specification's order, whose `issuer` is exactly the issuer
 * identifier the URL was built from (RFC 8414 §3.3: any other document must not be used).
 * `sameOrigin`: for a 2025-03-26 server, whose issuer is only guessed from its origin, a document
 * served there naming an issuer of that same origin (e.g. `https://host/oauth`) is taken too.
 */
export async function fetchAuthorizationServerMetadata(
  issuer: string,
  options: OAuthHttpOptions,
  sameOrigin = false,
): Promise<AuthorizationServerMetadata | undefined> {
  let candidates: ReturnType<typeof authorizationServerMetadataUrls>;
  try {
    candidates = authorizationServerMetadataUrls(issuer);
  } catch {
    throw new ErlmcpError('ERR_OAUTH_DISCOVERY', `Invalid authorization server issuer ${issuer}`);
  }
  for (const { url } of candidates) {
    const document = await fetchJsonDocument(url, options);
    if (!document || typeof document.issuer !== 'string') continue;
    if (document.issuer === issuer || (sameOrigin && originOf(document.issuer) === originOf(issuer))) {
      return document as AuthorizationServerMetadata;
    }
  }
  return undefined;
}

/** 2025-03-26: a server without metadata has its endpoints at fixed paths of its origin. */
export function legacyDefaultEndpoints(issuer: string): AuthorizationServerMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    response_types_supported: ['code'],
    // That revision made PKCE S256 mandatory for every server, so it needs no advertising.
    code_challenge_methods_supported: ['S256'],
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
