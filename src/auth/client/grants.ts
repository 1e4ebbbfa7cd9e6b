import type { webcrypto } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { ErlmcpError, type ErlmcpErrorCode } from '../../jsonrpc/errors.js';
import type { AuthorizationServerMetadata } from '../metadata/types.js';
import {
  assertTransportSecurity,
  insecureAllowed,
  OAUTH_REQUEST_TIMEOUT_MS,
  type OAuthHttpOptions,
} from './http.js';
import type { StoredClient, StoredTokens } from './token-store.js';

/**
 * The token endpoint grants on oauth4webapi: authorization code (PKCE S256, RFC 8707 `resource`,
 * RFC 9207 `iss`), refresh and client credentials. Errors become `ErlmcpError`s whose messages name
 * the server's OAuth error and never a code, token or secret.
 */

/** How the client authenticates at the token endpoint. */
export type ClientAuthentication =
  | { method: 'none' | 'client_secret_basic' | 'client_secret_post'; secret?: string }
  | { method: 'private_key_jwt'; key: webcrypto.CryptoKey; kid?: string };

export interface GrantContext extends OAuthHttpOptions {
  server: AuthorizationServerMetadata;
  client: StoredClient;
  authentication: ClientAuthentication;
  /** The RFC 8707 resource, sent on every token request. */
  resource: string;
  /** DPoP (RFC 9449) key handle, when tokens are to be sender-constrained. */
  dpopHandle?: oauth.DPoPHandle;
}

/** The authentication the stored client calls for, given what the server supports. */
export function clientAuthentication(
  client: StoredClient,
  server: AuthorizationServerMetadata,
): ClientAuthentication {
  const secret = client.client_secret;
  const declared = client.token_endpoint_auth_method;
  if (declared === 'none' || (!secret && declared === undefined)) return { method: 'none' };
  if (!secret) return { method: 'none' };
  if (declared === 'client_secret_basic' || declared === 'client_secret_post')
    return { method: declared, secret };
  const supported = server.token_endpoint_auth_methods_supported;
  const method =
    !supported || supported.includes('client_secret_basic') || !supported.includes('client_secret_post')
      ? 'client_secret_basic'
      : 'client_secret_post';
  return { method, secret };
}

function toOauthAuth(authentication: ClientAuthentication): oauth.ClientAuth {
  switch (authentication.method) {
    case 'client_secret_basic':
      return clientSecretBasic(authentication.secret ?? '');
    case 'client_secret_post':
      return oauth.ClientSecretPost(authentication.secret ?? '');
    case 'private_key_jwt':
      return oauth.PrivateKeyJwt(
        authentication.kid === undefined
          ? { key: authentication.key }
          : { key: authentication.key, kid: authentication.kid },
      );
    default:
      return oauth.None();
  }
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1) with the form encoding most servers expect: unreserved
 * characters such as `-` stay as they are (oauth4webapi's stricter encoding turns them into `%2D`,
 * which servers that do not decode the credentials refuse).
 */
function clientSecretBasic(secret: string): oauth.ClientAuth {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return (_as, client, _body, headers) => {
    const credentials = `${encode(client.client_id)}:${encode(secret)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  };
}

function requestOptions(context: GrantContext, url: string | undefined) {
  const endpoint = new URL(url ?? context.server.issuer);
  assertTransportSecurity(endpoint, context, 'ERR_OAUTH_TOKEN');
  return {
    [oauth.allowInsecureRequests]: insecureAllowed(endpoint, context),
    ...(context.fetch ? { [oauth.customFetch]: context.fetch as never } : {}),
    signal: AbortSignal.timeout(context.requestTimeoutMs ?? OAUTH_REQUEST_TIMEOUT_MS),
    ...(context.dpopHandle ? { DPoP: context.dpopHandle } : {}),
  };
}

function asServer(server: AuthorizationServerMetadata): oauth.AuthorizationServer {
  return server as oauth.AuthorizationServer;
}

function asClient(client: StoredClient): oauth.Client {
  return { client_id: client.client_id };
}

/** A PKCE pair and the state of one authorization request. */
export interface PendingAuthorization {
  url: URL;
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

/** Builds the authorization request URL; refuses a server that does not advertise PKCE S256. */
export async function authorizationRequest(
  context: GrantContext,
  redirectUri: string,
  scope: string | undefined,
): Promise<PendingAuthorization> {
  const { server } = context;
  if (!server.code_challenge_methods_supported?.includes('S256')) {
    throw new ErlmcpError(
      'ERR_OAUTH_DISCOVERY',
      `The authorization server ${server.issuer} does not advertise PKCE S256 (code_challenge_methods_supported); refusing to authorize`,
    );
  }
  if (!server.authorization_endpoint) {
    throw new ErlmcpError('ERR_OAUTH_DISCOVERY', `${server.issuer} has no authorization_endpoint`);
  }
  const url = new URL(server.authorization_endpoint);
  assertTransportSecurity(url, context, 'ERR_OAUTH_AUTHORIZATION');
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', context.client.client_id);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('resource', context.resource);
  if (scope) url.searchParams.set('scope', scope);
  return { url, state, codeVerifier, redirectUri };
}

/**
 * Checks the authorization response (RFC 9207 `iss` against the recorded issuer by plain string
 * comparison, `state`, an error answer) and exchanges its code, with the PKCE verifier and the
 * resource.
 */
export async function exchangeCode(
  context: GrantContext,
  pending: PendingAuthorization,
  callback: URLSearchParams,
  requestedScope: string | undefined,
): Promise<StoredTokens> {
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(
      asServer(context.server),
      asClient(context.client),
      callback,
      pending.state,
    );
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new ErlmcpError(
        'ERR_OAUTH_AUTHORIZATION',
        `The authorization server refused: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`,
      );
    }
    throw new ErlmcpError(
      'ERR_OAUTH_AUTHORIZATION',
      `Authorization response rejected: ${(error as Error).message}`,
    );
  }
  return tokenCall(context, 'authorization_code', requestedScope, async () => {
    const response = await oauth.authorizationCodeGrantRequest(
      asServer(context.server),
      asClient(context.client),
      toOauthAuth(context.authentication),
      parameters,
      pending.redirectUri,
      pending.codeVerifier,
      {
        ...requestOptions(context, context.server.token_endpoint),
        additionalParameters: { resource: context.resource },
      },
    );
    return oauth.processAuthorizationCodeResponse(
      asServer(context.server),
      asClient(context.client),
      response,
    );
  });
}

/** A refresh grant (RFC 6749 §6) with the resource; a rotated refresh token replaces the old one. */
export function refresh(context: GrantContext, tokens: StoredTokens): Promise<StoredTokens> {
  const refreshToken = tokens.refresh_token ?? '';
  return tokenCall(context, 'refresh', tokens.scope, async () => {
    const response = await oauth.refreshTokenGrantRequest(
      asServer(context.server),
      asClient(context.client),
      toOauthAuth(context.authentication),
      refreshToken,
      {
        ...requestOptions(context, context.server.token_endpoint),
        additionalParameters: { resource: context.resource },
      },
    );
    return oauth.processRefreshTokenResponse(asServer(context.server), asClient(context.client), response);
  }).then((next) => (next.refresh_token ? next : { ...next, refresh_token: refreshToken }));
}

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * A grant without a user: client credentials (RFC 6749 §4.4, the client acts on its own behalf), or
 * JWT-bearer (RFC 7523 §2.1, `{ assertion }`: a workload identity token or an enterprise ID-JAG is
 * the authorization; a refusal is final, the caller neither retries nor switches grants).
 */
export function clientGrant(
  context: GrantContext,
  grantType: 'client_credentials' | typeof JWT_BEARER_GRANT,
  scope: string | undefined,
  extra: Record<string, string> = {},
): Promise<StoredTokens> {
  const label = grantType === 'client_credentials' ? grantType : 'jwt-bearer';
  return tokenCall(context, label, scope, async () => {
    const parameters: Record<string, string> = { ...extra, resource: context.resource };
    if (scope) parameters.scope = scope;
    const response = await oauth.genericTokenEndpointRequest(
      asServer(context.server),
      asClient(context.client),
      toOauthAuth(context.authentication),
      grantType,
      parameters,
      requestOptions(context, context.server.token_endpoint),
    );
    return oauth.processGenericTokenEndpointResponse(
      asServer(context.server),
      asClient(context.client),
      response,
    );
  });
}

async function tokenCall(
  context: GrantContext,
  grant: string,
  requestedScope: string | undefined,
  call: () => Promise<oauth.TokenEndpointResponse>,
): Promise<StoredTokens> {
  let answer: oauth.TokenEndpointResponse;
  // A DPoP nonce challenge (RFC 9449 §8) is answered by sending the request once more.
  for (let attempt = 0; ; attempt++) {
    try {
      answer = await call();
      break;
    } catch (error) {
      if (attempt === 0 && context.dpopHandle && oauth.isDPoPNonceError(error)) continue;
      throw tokenError(grant, error);
    }
  }
  const scope = answer.scope ?? requestedScope;
  return {
    kind: 'tokens',
    issuer: context.server.issuer,
    resource: context.resource,
    access_token: answer.access_token,
    token_type: answer.token_type === 'dpop' ? 'DPoP' : 'Bearer',
    ...(typeof answer.expires_in === 'number'
      ? { expires_at: Date.now() + answer.expires_in * 1000, issued_at: Date.now() }
      : {}),
    ...(answer.refresh_token ? { refresh_token: answer.refresh_token } : {}),
    ...(scope ? { scope } : {}),
  };
}

function tokenError(grant: string, error: unknown): ErlmcpError {
  const code: ErlmcpErrorCode = error instanceof ErlmcpError ? error.code : 'ERR_OAUTH_TOKEN';
  if (error instanceof oauth.ResponseBodyError) {
    const description = error.error_description ? ` (${error.error_description})` : '';
    return new ErlmcpError(code, `The ${grant} grant was refused: ${error.error}${description}`);
  }
  return new ErlmcpError(code, `The ${grant} grant failed: ${(error as Error).message}`);
}
