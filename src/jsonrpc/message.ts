import type { RequestId } from '../protocol/types.js';

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}
export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}
export interface JsonRpcResultResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result: Record<string, unknown>;
}
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: JsonRpcErrorObject;
}
export type JsonRpcResponse = JsonRpcResultResponse | JsonRpcErrorResponse;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** What `classify` makes of one parsed JSON value. */
export type Classified =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | { kind: 'invalid'; id: RequestId | null; reason: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/**
 * Hand-written shape check of one JSON-RPC 2.0 message (hot path: no schema library).
 * MCP forbids null ids on requests; batches are not part of any revision erlmcp serves over streams.
 */
export function classify(value: unknown): Classified {
  if (!isPlainObject(value)) {
    return {
      kind: 'invalid',
      id: null,
      reason: Array.isArray(value) ? 'Batches are not supported' : 'Message must be a JSON object',
    };
  }
  const id = value.id;
  // A malformed *response* carries the id of one of our requests, not of one of the peer's: an error
  // echoing it would be matched by the peer against its own pending request of that id. Use null.
  const responseShaped = value.method === undefined && ('result' in value || 'error' in value);
  const idForError = isRequestId(id) && !responseShaped ? id : null;
  if (value.jsonrpc !== '2.0') return { kind: 'invalid', id: idForError, reason: 'jsonrpc must be "2.0"' };
  const method = value.method;
  if (method !== undefined) {
    if (typeof method !== 'string' || method.length === 0) {
      return { kind: 'invalid', id: idForError, reason: 'method must be a non-empty string' };
    }
    const params = value.params;
    if (params !== undefined && !isPlainObject(params)) {
      return { kind: 'invalid', id: idForError, reason: 'params must be an object' };
    }
    if (id === undefined) return { kind: 'notification', message: value as unknown as JsonRpcNotification };
    if (!isRequestId(id)) return { kind: 'invalid', id: null, reason: 'id must be a string or an integer' };
    return { kind: 'request', message: value as unknown as JsonRpcRequest };
  }
  if ('result' in value || 'error' in value) {
    if (!(isRequestId(id) || id === null))
      return { kind: 'invalid', id: null, reason: 'response id is invalid' };
    // JSON-RPC 2.0 §5: result and error MUST NOT both be present; §5.1: the code MUST be an integer.
    // Accepting either let a peer's malformed answer settle a request as whichever branch we read.
    if ('result' in value && 'error' in value) {
      return { kind: 'invalid', id: null, reason: 'response must not have both result and error' };
    }
    if ('error' in value) {
      const error = value.error;
      if (!isPlainObject(error) || !Number.isInteger(error.code) || typeof error.message !== 'string') {
        return { kind: 'invalid', id: null, reason: 'error must have an integer code and a message' };
      }
    } else if (!isPlainObject(value.result)) {
      return { kind: 'invalid', id: null, reason: 'result must be an object' };
    }
    return { kind: 'response', message: value as unknown as JsonRpcResponse };
  }
  return {
    kind: 'invalid',
    id: idForError,
    reason: 'Message is neither a request, a notification nor a response',
  };
}

export function resultResponse(id: RequestId, result: Record<string, unknown>): JsonRpcResultResponse {
  return { jsonrpc: '2.0', id, result };
}

export function errorResponse(id: RequestId | null, error: JsonRpcErrorObject): JsonRpcErrorResponse {
  return { jsonrpc: '2.0', id, error };
}

export function notification(method: string, params?: Record<string, unknown>): JsonRpcNotification {
  return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value);
}
