/**
 * The seam between a client transport and whatever authenticates its requests. The HTTP client
 * transport asks for headers before every request and reports every 401 and 403; the WebSocket
 * client transport asks once, for the upgrade request. `OAuthClient` (erlmcp/auth) fills it;
 * an application may fill it with anything else (a static token, a gateway's credentials).
 */

export interface HttpAuthRequest {
  readonly method: string;
  /** Where the request goes (the Streamable HTTP endpoint, or an HTTP+SSE message URL). */
  readonly url: URL;
  /** The MCP server's endpoint: what tokens are for (its canonical URI is the OAuth resource). */
  readonly endpoint: URL;
}

export interface HttpAuth {
  /** Headers for this request (`Authorization`, `DPoP`). Their values never appear in errors or logs. */
  headers(request: HttpAuthRequest): Promise<Record<string, string>>;
  /**
   * The server answered 401 or 403. Resolves true once new credentials exist and the request
   * should be sent again (with fresh `headers`), false when this refusal is not an auth matter;
   * rejects when authorization failed or retries ran out. `attempt` counts the earlier refusals
   * of this same request (0 for the first).
   */
  refused(request: HttpAuthRequest, response: Response, attempt: number): Promise<boolean>;
}
