import type { webcrypto } from 'node:crypto';
import type { OAuthHttpOptions } from './http.js';
import type { AssertionTarget } from './id-jag.js';
import type { ClientMetadata, PreRegisteredClient } from './registration.js';
import type { TokenStore } from './token-store.js';

/** The authorization response as the application received it on its redirect URI. */
export type AuthorizationCallback =
  | { code: string; state: string; iss?: string }
  | URL
  | URLSearchParams
  /** The full redirect URL, or its query string. */
  | string;

/** What the application is told when the user must authorize. */
export interface AuthorizationPrompt {
  /** Open this in a browser (or print it); the server redirects to `redirectUri` when done. */
  url: URL;
  issuer: string;
  resource: string;
  scope?: string;
}

/** The client acts on its own behalf (client credentials grant, RFC 6749 §4.4). */
export interface ClientCredentialsOptions {
  clientId: string;
  /** For `client_secret_basic` (or `client_secret_post` when that is all the server takes). */
  clientSecret?: string;
  /** For `private_key_jwt` (RFC 7523): a WebCrypto key or a PKCS#8 PEM. */
  privateKey?: webcrypto.CryptoKey | string;
  /** The JWS algorithm of a PEM `privateKey`. Default `ES256`. */
  algorithm?: string;
  kid?: string;
  /** Scopes to request; default: the scope selection of the specification. */
  scope?: string;
  /** The issuer the credentials belong to; another authorization server is refused. */
  issuer?: string;
}

/**
 * The client presents an assertion (RFC 7523 JWT-bearer grant): a workload identity token (workload
 * identity federation), or an enterprise ID-JAG (`idJagAssertion`).
 */
export interface JwtBearerOptions {
  /** The assertion, or a function giving one for an authorization server and resource. */
  assertion: string | ((target: AssertionTarget) => Promise<string>);
  clientId: string;
  /** With a secret the client authenticates with `client_secret_basic`; without, it is public. */
  clientSecret?: string;
  scope?: string;
}

export interface OAuthClientOptions extends OAuthHttpOptions {
  /** Registered redirect URI of the authorization code flow. */
  redirectUri?: string;
  /**
   * The user's part of the authorization code flow: show `prompt.url` (open a browser, print it),
   * wait for the redirect to `redirectUri`, and resolve with what arrived there.
   */
  onAuthorizationUrl?: (prompt: AuthorizationPrompt) => Promise<AuthorizationCallback>;
  /** `client_name` for registration. Default `erlmcp client`. */
  clientName?: string;
  /** More metadata for Dynamic Client Registration (merged over the defaults). */
  clientMetadata?: ClientMetadata;
  /** An HTTPS URL serving this client's metadata document (Client ID Metadata Documents). */
  clientMetadataUrl?: string;
  /** Pre-registered client credentials (one, or one per issuer). */
  client?: PreRegisteredClient | ((issuer: string) => PreRegisteredClient | undefined);
  /** Use the client credentials grant instead of the authorization code flow. */
  clientCredentials?: ClientCredentialsOptions;
  /** Use the JWT-bearer grant (an assertion) instead of the authorization code flow. */
  jwtBearer?: JwtBearerOptions;
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): proofs on token requests and on every MCP request,
   * server nonces honoured. `true` makes a key pair per `OAuthClient`; pass one to keep tokens
   * usable across processes. Default false.
   */
  dpop?: boolean | { keyPair: webcrypto.CryptoKeyPair };
  /** Where tokens and registrations are kept. Default: a `MemoryTokenStore`. */
  store?: TokenStore;
  /** Ask for `offline_access` (a refresh token) when the authorization server offers it. Default true. */
  offlineAccess?: boolean;
  /** Refusals (401/403) answered for one request before it fails. Default 3. */
  maxAttempts?: number;
  /** Refresh a token this long before it expires. Default 30 s. */
  expirySkewMs?: number;
  /** Picks one of the Protected Resource Metadata's `authorization_servers`. Default: the first. */
  chooseAuthorizationServer?: (issuers: string[]) => string;
}
