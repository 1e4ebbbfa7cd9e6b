import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthRefusal, type BearerAuth } from '../auth/resource-server/bearer-auth.js';
import { sendAuthRefusal } from '../transports/http/http-responses.js';

/** Default scope of the admin routes (`/metrics`, the observer) of a server that checks tokens. */
export const ADMIN_SCOPE = 'erlmcp:admin';

/** Whether `pathname` is where the RFC 9728 metadata is served (path-inserted or root). */
export function isResourceMetadataPath(auth: BearerAuth, pathname: string): boolean {
  const { pathInserted, root } = auth.metadataPaths;
  return pathname === pathInserted || pathname === root;
}

/**
 * Serves the RFC 9728 metadata at its path-inserted and root well-known paths; true when it answered.
 * Open to any origin (browser-based clients read it before they have a token; the caller checks
 * only Host), with the `MCP-Protocol-Version` header the official SDK sends allowed in preflights.
 */
export function serveResourceMetadata(
  auth: BearerAuth,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) {
  if (!isResourceMetadataPath(auth, pathname)) return false;
  if (req.method === 'OPTIONS') {
    res
      .writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': 'MCP-Protocol-Version',
        'access-control-max-age': '86400',
      })
      .end();
    return true;
  }
  if (req.method !== 'GET') {
    res.writeHead(405, { allow: 'GET, OPTIONS' }).end();
    return true;
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    'cache-control': 'max-age=3600',
  });
  res.end(JSON.stringify(auth.metadata()));
  return true;
}

/**
 * Admin routes on a server that checks tokens: `next` runs only for a valid token holding `scopes`
 * (401/403 with a challenge otherwise).
 */
export function requireAdmin(
  auth: BearerAuth,
  scopes: readonly string[],
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
): void {
  void Promise.resolve(auth.authenticate(req.headers.authorization, req.url)).then((outcome) => {
    if (outcome instanceof AuthRefusal) sendAuthRefusal(res, outcome);
    else if (!scopes.every((scope) => outcome.scopes.includes(scope)))
      sendAuthRefusal(res, auth.insufficientScope(scopes));
    else next();
  });
}
