import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerAuth } from './bearer-auth.js';

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
