/**
 * The one table of JSON-RPC error codes erlmcp puts on the wire.
 * -32000..-32019 is the grandfathered implementation range; -32020..-32099 belongs to the MCP spec.
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** 2026-07-28: HTTP headers disagree with the body. */
  HeaderMismatch: -32020,
  /** 2026-07-28: the request needs a client capability the client did not declare. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the requested protocol version is not supported; `data.supported` lists ours. */
  UnsupportedProtocolVersion: -32022,
  /** erlmcp: new work refused to protect admitted work (load shedding, draining); HTTP 503. */
  Overloaded: -32010,
  /** erlmcp: a token-bucket rate limit (per session, principal or IP); HTTP 429. */
  RateLimited: -32011,
  /** erlmcp: a count limit (sessions, in-flight requests, streams); `data.limit` names it. */
  LimitExceeded: -32012,
  /** erlmcp: the caller's token lacks a scope the operation needs; HTTP 403; `data.scopes` lists them. */
  InsufficientScope: -32013,
  /** 2025-11-25 and earlier: resource not found (2026 uses InvalidParams). */
  LegacyResourceNotFound: -32002,
  /** 2025-11-25 only: the tool needs a URL-mode elicitation first. */
  UrlElicitationRequired: -32042,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];
