/**
 * `erlmcp/auth`: OAuth 2.1 for MCP. The resource-server side: `bearerAuth` (pass it as `auth` to
 * serveHttp, the HTTP handlers or WebSocket) with a JWT (jose) or introspection verifier. The client
 * side: `OAuthClient` (oauth4webapi), which a client transport takes as `auth`, its token stores, and
 * the well-known metadata URLs both sides of RFC 9728 / RFC 8414 / OpenID Connect discovery build.
 */
export type { FileTokenStoreOptions } from '../auth/client/file-token-store.js';
export { FileTokenStore } from '../auth/client/file-token-store.js';
export type { OAuthHttpOptions } from '../auth/client/http.js';
export type { HttpAuth, HttpAuthRequest } from '../auth/client/http-auth.js';
export { type AssertionTarget, type IdJagOptions, idJagAssertion } from '../auth/client/id-jag.js';
export { OAuthClient } from '../auth/client/oauth-client.js';
export type {
  AuthorizationCallback,
  AuthorizationPrompt,
  ClientCredentialsOptions,
  JwtBearerOptions,
  OAuthClientOptions,
} from '../auth/client/oauth-client-options.js';
export type { ClientMetadata, PreRegisteredClient } from '../auth/client/registration.js';
export {
  MemoryTokenStore,
  type StoredClient,
  type StoredRecord,
  type StoredTokens,
  type TokenStore,
} from '../auth/client/token-store.js';
export { type AuthChallenge, parseWwwAuthenticate } from '../auth/client/www-authenticate.js';
export type { AuthorizationServerMetadata } from '../auth/metadata/types.js';
export {
  authorizationServerMetadataUrls,
  canonicalResourceUri,
  insertWellKnown,
  protectedResourceMetadataUrls,
  resourceCovers,
} from '../auth/metadata/well-known.js';
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
