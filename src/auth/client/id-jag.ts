import { ErlmcpError } from '../../jsonrpc/errors.js';
import { type OAuthHttpOptions, oauthErrorOf, postToEndpoint } from './http.js';

/** Where an assertion is for: the authorization server and the MCP server (resource). */
export interface AssertionTarget {
  issuer: string;
  resource: string;
  scope?: string;
}

export interface IdJagOptions extends OAuthHttpOptions {
  /** The enterprise identity provider's token endpoint. */
  tokenEndpoint: string;
  /** The user's ID token from that identity provider (the subject), or a function giving a fresh one. */
  idToken: string | (() => Promise<string>);
  /** This client at the identity provider. */
  clientId: string;
  /** With a secret: `client_secret_basic` at the identity provider; without: `client_id` in the body. */
  clientSecret?: string;
}

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/**
 * Enterprise-managed authorization: an assertion source for `OAuthClient`'s `jwtBearer` that trades
 * the user's ID token at the enterprise identity provider (RFC 8693 token exchange) for an Identity
 * Assertion JWT Authorization Grant (ID-JAG) naming the MCP authorization server and resource.
 */
export function idJagAssertion(options: IdJagOptions): (target: AssertionTarget) => Promise<string> {
  return async (target) => {
    const url = new URL(options.tokenEndpoint);
    const idToken = typeof options.idToken === 'string' ? options.idToken : await options.idToken();
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      requested_token_type: ID_JAG_TYPE,
      audience: target.issuer,
      resource: target.resource,
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
    });
    if (target.scope) body.set('scope', target.scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (options.clientSecret === undefined) body.set('client_id', options.clientId);
    else {
      const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
      const credentials = `${encode(options.clientId)}:${encode(options.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const { response, answer } = await postToEndpoint(
      url,
      { headers, body },
      options,
      'ERR_OAUTH_TOKEN',
      'Token exchange',
    );
    if (!response.ok || typeof answer?.access_token !== 'string') {
      throw new ErlmcpError(
        'ERR_OAUTH_TOKEN',
        `Token exchange at ${url.origin} refused (HTTP ${response.status})${oauthErrorOf(answer)}`,
      );
    }
    return answer.access_token;
  };
}
