import type { ServerResponse } from 'node:http';
import type { LimitError } from '../../admission/limit-errors.js';
import type { AuthRefusal } from '../../auth/resource-server/bearer-auth.js';
import { channels } from '../../core/diagnostics.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { RequestId } from '../../protocol/types.js';

const LARGE_BODY_CHARS = 64 * 1024;

/** Writes a JSON body with its status; a no-op once the response has started. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = encodeMessage(body);
  // Large bodies are encoded once (byteLength and end(string) would each walk the text again);
  // small ones stay strings, which node:http writes together with the headers.
  const payload = text.length > LARGE_BODY_CHARS ? Buffer.from(text) : text;
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (channels.bytes.hasSubscribers)
    channels.bytes.publish({ transport: 'http', direction: 'out', bytes: length });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': length,
    ...headers,
  });
  res.end(payload);
}

/** An HTTP error with a JSON-RPC error body (no id unless the request's id is known). */
export function sendError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: RequestId | null = null,
  data?: unknown,
  headers: Record<string, string> = {},
): void {
  const error = data === undefined ? { code, message } : { code, message, data };
  sendJson(res, status, { jsonrpc: '2.0', id, error }, headers);
}

/**
 * An authorization refusal (401 no or bad token, 400 malformed or in the query string, 403 missing
 * scopes) with its `WWW-Authenticate` challenge; the JSON-RPC body says the same for readers of bodies.
 */
export function sendAuthRefusal(
  res: ServerResponse,
  refusal: AuthRefusal,
  id: RequestId | null = null,
): void {
  const code = refusal.status === 403 ? ErrorCode.InsufficientScope : ErrorCode.InvalidRequest;
  sendError(res, refusal.status, code, refusal.message, id, undefined, {
    'www-authenticate': refusal.challenge,
  });
}

/** Why a POST body that is not declared `application/json` is refused (415). */
export const NOT_JSON_CONTENT = 'Unsupported Media Type: Content-Type must be application/json';

/** 415 for a POST whose `Content-Type` is not JSON: the same answer on every endpoint that reads bodies. */
export function sendNotJson(res: ServerResponse): void {
  sendError(res, 415, ErrorCode.InvalidRequest, NOT_JSON_CONTENT);
}

/**
 * A runtime refusal (shed, draining, rate or count limit): its own status, `Retry-After`, and while
 * draining `Connection: close` so the client's next request opens a connection to another node.
 */
export function sendRefusal(res: ServerResponse, error: LimitError, id: RequestId | null = null): void {
  const headers: Record<string, string> = {};
  const retryAfter = error.retryAfterSeconds;
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (error.reason === 'draining') headers.connection = 'close';
  sendJson(res, error.httpStatus, { jsonrpc: '2.0', id, error: error.toJson() }, headers);
}

/** The HTTP status of a JSON-RPC error on the 2026 Streamable HTTP binding. */
export function statusForError(code: number, data?: unknown): number {
  // A request without the required `_meta` envelope is malformed: 400, not 200.
  if (code === -32602 && typeof data === 'object' && data !== null && 'missing' in data) return 400;
  switch (code) {
    case -32700:
    case -32600:
    case -32020:
    case -32021:
    case -32022:
      return 400;
    case -32601:
      return 404;
    case ErrorCode.Overloaded:
      return 503;
    case ErrorCode.RateLimited:
    case ErrorCode.LimitExceeded:
      return 429;
    default:
      return 200;
  }
}
