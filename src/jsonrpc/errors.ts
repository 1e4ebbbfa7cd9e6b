import { ErrorCode } from '../protocol/error-codes.js';
import type { JsonRpcErrorObject } from './message.js';

/** An error that travels on the wire: a JSON-RPC code, a message and optional data. */
export class McpError extends Error {
  override readonly name = 'McpError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toJson(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  static fromJson(error: JsonRpcErrorObject): McpError {
    return new McpError(error.code, error.message, error.data);
  }
}

export const invalidParams = (message: string, data?: unknown) =>
  new McpError(ErrorCode.InvalidParams, message, data);
export const methodNotFound = (method: string) =>
  new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
export const invalidRequest = (message: string) => new McpError(ErrorCode.InvalidRequest, message);
export const internalError = (message: string, data?: unknown) =>
  new McpError(ErrorCode.InternalError, message, data);

const localFailures = new WeakSet<object>();

/**
 * The `data` of an error response a client transport makes up itself for a request whose exchange
 * failed (an HTTP request that got no answer): marked so that `isLocalFailure` can tell it from an
 * error the peer sent, which no peer can forge.
 */
export function localFailureData<T extends object>(data: T): T {
  localFailures.add(data);
  return data;
}

/** Whether an McpError stands for a local transport failure, not an answer of the peer. */
export function isLocalFailure(error: McpError): boolean {
  return typeof error.data === 'object' && error.data !== null && localFailures.has(error.data);
}

/** Stable string codes of errors that stay local (never sent as-is); listed in docs/errors.md. */
export type ErlmcpErrorCode =
  | 'ERR_REQUEST_TIMEOUT'
  | 'ERR_REQUEST_CANCELLED'
  | 'ERR_CONNECTION_CLOSED'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_INVALID_REQUEST_STATE'
  | 'ERR_NOT_CONNECTED'
  | 'ERR_INVALID_DEFINITION'
  | 'ERR_INPUT_ROUNDS_EXCEEDED'
  | 'ERR_INVALID_RESPONSE'
  | 'ERR_CIRCUIT_OPEN'
  | 'ERR_OAUTH_DISCOVERY'
  | 'ERR_OAUTH_REGISTRATION'
  | 'ERR_OAUTH_AUTHORIZATION'
  | 'ERR_OAUTH_TOKEN'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_REDIS_CLIENT_MISSING'
  | 'ERR_SHARED_STATE_UNAVAILABLE'
  | 'ERR_INVALID_CONFIG';

/** A local error with a stable code, e.g. a timeout raised while waiting for the peer. */
export class ErlmcpError extends Error {
  override readonly name = 'ErlmcpError';
  constructor(
    readonly code: ErlmcpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The one boundary where anything thrown becomes a wire error. Local errors and foreign
 * exceptions become InternalError without leaking stack traces.
 */
export function toWireError(error: unknown): JsonRpcErrorObject {
  if (error instanceof McpError) return error.toJson();
  if (error instanceof ErlmcpError) {
    return { code: ErrorCode.InternalError, message: error.message, data: { code: error.code } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: ErrorCode.InternalError, message: message || 'Internal error' };
}
