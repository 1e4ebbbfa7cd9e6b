import type { BearerAuth } from '../auth/resource-server/bearer-auth.js';
import type { ServeConfig } from './config/load-config.js';

/**
 * The resource server `erlmcp serve` puts in front of an HTTP or WebSocket endpoint when `auth` is
 * configured. The auth entry (and with it jose) is imported only then, so a server without auth never
 * loads them.
 */
export async function serveAuth(config: ServeConfig): Promise<BearerAuth | undefined> {
  const auth = config.auth;
  if (!auth) return undefined;
  const { bearerAuth, introspectionVerifier, jwtVerifier } = await import('../exports/auth.js');
  // Left out, the resource is the URL served (bound once listening, port 0 included) and the
  // audience is that resource.
  const resource = auth.resource;
  const audience = auth.audience;
  const issuer = { issuer: auth.issuer, ...(audience ? { audience } : {}) };
  const verifier = auth.introspection
    ? introspectionVerifier({
        ...issuer,
        clientId: auth.introspection.clientId,
        clientSecret: auth.introspection.clientSecret,
        ...(auth.introspection.url ? { endpoint: auth.introspection.url } : {}),
      })
    : jwtVerifier({
        ...issuer,
        ...(auth.jwksUrl ? { jwksUrl: auth.jwksUrl } : {}),
        ...(auth.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: auth.clockSkewSeconds }),
      });
  return bearerAuth({
    ...(resource ? { resource } : {}),
    authorizationServers: [auth.issuer],
    verifier,
    ...(auth.requiredScopes ? { requiredScopes: auth.requiredScopes } : {}),
    ...(auth.scopesSupported ? { scopesSupported: auth.scopesSupported } : {}),
    onTokenError: (error) =>
      process.stderr.write(
        `erlmcp: token refused: ${error.message}${error.detail ? ` (${error.detail})` : ''}\n`,
      ),
  });
}
