import { ErlmcpError, type ErlmcpErrorCode } from '../../jsonrpc/errors.js';

/** How the OAuth client reaches metadata documents and authorization servers. */
export interface OAuthHttpOptions {
  /** Injectable fetch (tests, proxies). Default: global fetch. */
  fetch?: typeof fetch;
  /**
   * Allow plain `http://` for authorization servers and metadata that are not on a loopback
   * address. Default false: http is accepted only for localhost, 127.0.0.0/8 and [::1].
   */
  allowInsecureHttp?: boolean;
  /** Each discovery, registration and token request must answer within this. Default 30 s. */
  requestTimeoutMs?: number;
}

export const OAUTH_REQUEST_TIMEOUT_MS = 30_000;

export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether a request to `url` may go out (https, or http where allowed). */
export function insecureAllowed(url: URL, options: OAuthHttpOptions): boolean {
  return url.protocol === 'http:' && (options.allowInsecureHttp === true || isLoopback(url));
}

export function assertTransportSecurity(url: URL, options: OAuthHttpOptions, code: ErlmcpErrorCode): void {
  if (url.protocol === 'https:' || insecureAllowed(url, options)) return;
  throw new ErlmcpError(
    code,
    `Refusing ${url.protocol}// for OAuth: ${url.origin} is neither https nor loopback`,
  );
}

/**
 * GETs a JSON document: the parsed object on a 200 JSON answer, `undefined` on any other status or a
 * network failure (discovery moves on to its next candidate then).
 */
export async function fetchJsonDocument(
  url: URL,
  options: OAuthHttpOptions,
): Promise<Record<string, unknown> | undefined> {
  assertTransportSecurity(url, options, 'ERR_OAUTH_DISCOVERY');
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? OAUTH_REQUEST_TIMEOUT_MS),
    });
  } catch {
    return undefined;
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  try {
    const body: unknown = await response.json();
    return body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * POSTs to an OAuth endpoint (no redirects followed, bounded in time): the response and its JSON
 * answer (`undefined` when it is not JSON). A network failure becomes an `ErlmcpError` with `code`.
 */
export async function postToEndpoint(
  url: URL,
  init: { headers: Record<string, string>; body: string | URLSearchParams },
  options: OAuthHttpOptions,
  code: ErlmcpErrorCode,
  what: string,
): Promise<{ response: Response; answer: Record<string, unknown> | undefined }> {
  assertTransportSecurity(url, options, code);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? OAUTH_REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ErlmcpError(code, `${what} at ${url.origin} failed: ${(error as Error).message}`);
  }
  const answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  return { response, answer };
}

/** `error` (and `error_description`) of an OAuth error answer, for a message. */
export function oauthErrorOf(answer: Record<string, unknown> | undefined): string {
  if (typeof answer?.error !== 'string') return '';
  const description = typeof answer.error_description === 'string' ? ` (${answer.error_description})` : '';
  return `: ${answer.error}${description}`;
}
