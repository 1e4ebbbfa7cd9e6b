import {
  canonicalResourceUri,
  insertWellKnown,
  PROTECTED_RESOURCE_SUFFIX,
  protectedResourceMetadataUrls,
} from '../metadata/well-known.js';

/** RFC 9728 Protected Resource Metadata, as erlmcp serves it. */
export interface ProtectedResourceMetadata {
  /** The MCP endpoint's canonical URI: the audience tokens must name (RFC 8707). */
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: ['header'];
  resource_name?: string;
  resource_documentation?: string;
}

/**
 * Where the metadata of `resource` is served (RFC 9728 §3.1): the well-known prefix inserted before
 * the endpoint's path (`/.well-known/oauth-protected-resource/mcp`), and the root form, which clients
 * try second and which a server with one resource per origin answers too. The URLs are the ones the
 * client side discovers (`auth/metadata/well-known.ts`).
 */
export function metadataPaths(resource: URL): { pathInserted: string; root: string } {
  const urls = protectedResourceMetadataUrls(resource);
  return { pathInserted: urls[0]!.pathname, root: urls.at(-1)!.pathname };
}

/** The absolute URL of the path-inserted metadata document, for `resource_metadata` in challenges. */
export function metadataUrl(resource: URL): string {
  return insertWellKnown(resource, PROTECTED_RESOURCE_SUFFIX).href;
}

/**
 * The canonical form of a resource URI (RFC 8707 §2, MCP authorization): lower-case scheme and host
 * (URL does that), no fragment, no trailing slash unless the path is only `/`.
 */
export function canonicalResource(resource: string | URL): URL {
  const url = new URL(resource);
  url.hash = '';
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.slice(0, -1);
  return url;
}

/** The canonical resource as text: `https://mcp.example.com` for the root, never with a trailing slash. */
export function resourceText(resource: URL): string {
  return canonicalResourceUri(resource);
}
