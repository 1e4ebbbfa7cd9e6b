import type { BearerAuth } from '../auth/resource-server/bearer-auth.js';
import { ConfigError, type ServeConfig } from './config/load-config.js';

/**
 * The resource server `erlmcp serve` puts in front of an HTTP or WebSocket endpoint when `auth` is
 * configured. The auth entry (and with it jose) is imported only then, so a server without auth never
 * loads them. The resource defaults to the URL served; with port 0 it cannot be known in advance, so
 * the audience must then be given.
 */
export async function serveAuth(config: ServeConfig): Promise<BearerAuth | undefined> {
  const auth = config.auth;
  if (!auth) return undefined;
  const { bearerAuth, introspectionVerifier, jwtVerifier } = await import('../exports/auth.js');
  const scheme = config.transport === 'ws' ? (config.tls ? 'wss' : 'ws') : config.tls ? 'https' : 'http';
  const resource =
    auth.resource ??
    (config.port === 0 ? undefined : `${scheme}://${hostForUrl(config.host)}:${config.port}${config.path}`);
  const audience = auth.audience ?? resource;
  if (audience === undefined) {
    throw new ConfigError('Invalid configuration: auth.audience (or auth.resource) is required with port 0');
  }
  const issuer = { issuer: auth.issuer, audience };
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

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
