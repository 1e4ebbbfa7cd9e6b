/**
 * Who sent a request, as an authorization layer established it (an OAuth access token today). It
 * sits at the bottom because the server (`ctx.auth`, scope checks), the transports (which verify)
 * and observability (which must never see the token) all name it.
 */
export interface AuthInfo {
  /**
   * The stable identity sessions, tasks and `requestState` are bound to, and per-principal limits
   * count: `<issuer>#<subject>`, or `<issuer>#client:<client_id>` for a token without a subject.
   */
  readonly principal: string;
  /** The token's issuer (`iss`). */
  readonly issuer: string | undefined;
  /** The end user (`sub`), when the token names one. */
  readonly subject: string | undefined;
  /** The OAuth client the token was issued to (`client_id` or `azp`). */
  readonly clientId: string | undefined;
  /** Granted scopes. */
  readonly scopes: readonly string[];
  /** Expiry, seconds since the epoch, when the token has one. */
  readonly expiresAt: number | undefined;
  /** Every verified claim (JWT payload or introspection response). */
  readonly claims: Readonly<Record<string, unknown>>;
  /**
   * The raw access token, only when the server opted in (`exposeToken`): a handler must not pass
   * the caller's token on to another service (token passthrough is forbidden by the spec).
   */
  readonly token?: string;
}
