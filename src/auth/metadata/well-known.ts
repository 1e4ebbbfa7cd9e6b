/**
 * Where OAuth metadata lives, for both sides: the client builds these URLs to discover, a resource
 * server builds the same ones to know where to serve its Protected Resource Metadata. Pure URL work,
 * no I/O.
 *
 * - RFC 9728 §3.1 (Protected Resource Metadata) and RFC 8414 §3.1 (Authorization Server Metadata):
 *   the well-known segment goes between the host and the path ("path insertion"), a terminating slash
 *   after the host is dropped, a query is kept.
 * - OpenID Connect Discovery 1.0 §4: `/.well-known/openid-configuration` appended to the issuer.
 */

export const PROTECTED_RESOURCE_SUFFIX = 'oauth-protected-resource';
export const AUTHORIZATION_SERVER_SUFFIX = 'oauth-authorization-server';
export const OPENID_CONFIGURATION_SUFFIX = 'openid-configuration';

/**
 * `https://host/.well-known/<suffix><path>` for `https://host<path>` (path insertion). A URL whose
 * path is `/` and has no query gives the root `https://host/.well-known/<suffix>`.
 */
export function insertWellKnown(url: string | URL, suffix: string): URL {
  const source = new URL(url);
  const path = source.pathname === '/' ? '' : source.pathname.replace(/\/$/, '');
  const result = new URL(`/.well-known/${suffix}${path}`, source.origin);
  result.search = source.search;
  return result;
}

/**
 * The Protected Resource Metadata URLs of an MCP endpoint, in the order a client tries them (MCP
 * authorization, "Protected Resource Metadata Discovery"): the path-inserted one, then the root one.
 * A resource at the root has just the one.
 */
export function protectedResourceMetadataUrls(resource: string | URL): URL[] {
  const inserted = insertWellKnown(resource, PROTECTED_RESOURCE_SUFFIX);
  const root = new URL(`/.well-known/${PROTECTED_RESOURCE_SUFFIX}`, inserted.origin);
  return inserted.href === root.href ? [root] : [inserted, root];
}

/** Which kind of document a metadata URL serves (the fields differ slightly). */
export type AuthorizationServerMetadataKind = 'oauth' | 'oidc';

/**
 * The metadata URLs of an authorization server, in the order the MCP specification requires
 * ("Authorization Server Metadata Discovery"): for an issuer with a path, RFC 8414 path-inserted,
 * OIDC path-inserted, OIDC appended; for an issuer without one, RFC 8414 then OIDC.
 */
export function authorizationServerMetadataUrls(
  issuer: string | URL,
): { url: URL; kind: AuthorizationServerMetadataKind }[] {
  const base = new URL(issuer);
  const hasPath = base.pathname !== '/' && base.pathname !== '';
  const oauth = insertWellKnown(base, AUTHORIZATION_SERVER_SUFFIX);
  const oidcInserted = insertWellKnown(base, OPENID_CONFIGURATION_SUFFIX);
  if (!hasPath) {
    return [
      { url: oauth, kind: 'oauth' },
      { url: oidcInserted, kind: 'oidc' },
    ];
  }
  const appended = new URL(base.href);
  appended.pathname = `${base.pathname.replace(/\/$/, '')}/.well-known/${OPENID_CONFIGURATION_SUFFIX}`;
  return [
    { url: oauth, kind: 'oauth' },
    { url: oidcInserted, kind: 'oidc' },
    { url: appended, kind: 'oidc' },
  ];
}

/**
 * The canonical URI of an MCP server (RFC 8707 §2, MCP "Canonical Server URI"): scheme and host in
 * lower case (as `URL` gives them), no fragment, and no trailing slash on a bare origin.
 */
export function canonicalResourceUri(url: string | URL): string {
  const parsed = new URL(url);
  parsed.hash = '';
  if (parsed.pathname === '/' && parsed.search === '') return parsed.origin;
  return parsed.href;
}

/**
 * Whether Protected Resource Metadata naming `resource` may describe the endpoint `requested`: the
 * same origin, and the endpoint's path at or below the resource's path (a server may name its
 * origin as the resource of an endpoint below it). Anything else is a mix-up and must not be used.
 */
export function resourceCovers(resource: string, requested: string | URL): boolean {
  let named: URL;
  try {
    named = new URL(resource);
  } catch {
    return false;
  }
  const target = new URL(requested);
  if (named.origin !== target.origin || named.hash !== '') return false;
  const base = named.pathname.replace(/\/$/, '');
  const path = target.pathname.replace(/\/$/, '');
  return path === base || path.startsWith(`${base}/`);
}
