/**
 * `erlmcp/auth`: MCP authorization. The OAuth 2.1 client (`OAuthClient`, on oauth4webapi) that a
 * client transport takes as `auth`, its token stores, and the well-known metadata URLs both sides
 * of RFC 9728 / RFC 8414 / OpenID Connect discovery build.
 */
export type { FileTokenStoreOptions } from '../auth/client/file-token-store.js';
export { FileTokenStore } from '../auth/client/file-token-store.js';
export type { OAuthHttpOptions } from '../auth/client/http.js';
export type { HttpAuth, HttpAuthRequest } from '../auth/client/http-auth.js';
export { type AssertionTarget, type IdJagOptions, idJagAssertion } from '../auth/client/id-jag.js';
export {
  type AuthorizationCallback,
  type AuthorizationPrompt,
  type ClientCredentialsOptions,
  type JwtBearerOptions,
  OAuthClient,
  type OAuthClientOptions,
} from '../auth/client/oauth-client.js';
export type { ClientMetadata, PreRegisteredClient } from '../auth/client/registration.js';
export {
  MemoryTokenStore,
  type StoredClient,
  type StoredRecord,
  type StoredTokens,
  type TokenStore,
} from '../auth/client/token-store.js';
export { type AuthChallenge, parseWwwAuthenticate } from '../auth/client/www-authenticate.js';
export type { AuthorizationServerMetadata, ProtectedResourceMetadata } from '../auth/metadata/types.js';
export {
  authorizationServerMetadataUrls,
  canonicalResourceUri,
  insertWellKnown,
  protectedResourceMetadataUrls,
  resourceCovers,
} from '../auth/metadata/well-known.js';
