/**
 * `erlmcp/auth`: OAuth 2.1 for MCP. The resource-server side: `bearerAuth` (pass it as `auth` to
 * serveHttp, the HTTP handlers or WebSocket) with a JWT (jose) or introspection verifier.
 */

export {
  AuthRefusal,
  BearerAuth,
  type BearerAuthOptions,
  bearerAuth,
} from '../auth/resource-server/bearer-auth.js';
export {
  type IntrospectionVerifierOptions,
  introspectionVerifier,
} from '../auth/resource-server/introspection-verifier.js';
export {
  DEFAULT_JWT_ALGORITHMS,
  type JwtVerifierOptions,
  jwtVerifier,
} from '../auth/resource-server/jwt-verifier.js';
export type { ProtectedResourceMetadata } from '../auth/resource-server/protected-resource-metadata.js';
export {
  InvalidTokenError,
  type IssuerOptions,
  type TokenVerifier,
  type VerifyContext,
} from '../auth/resource-server/token-verifier.js';
export type { AuthInfo } from '../core/auth-info.js';
