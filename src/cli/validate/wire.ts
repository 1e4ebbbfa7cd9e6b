import type { IncomingHttpHeaders } from 'node:http';

/** What came back for one message: the JSON-RPC response and, over HTTP, the status and headers. */
export interface Reply {
  /** The JSON-RPC response to the request (matched by id), or the JSON-RPC error body of an HTTP error. */
  response?: Record<string, unknown>;
  http?: { status: number; headers: IncomingHttpHeaders; body: string };
  /** Why nothing came: the timeout passed, or the connection closed. */
  missing?: 'timeout' | 'closed';
}

export interface Exchange {
  /** HTTP headers of this message beyond the era's own (HTTP only). */
  headers?: Record<string, string>;
  /** Headers of the era to leave out (HTTP only). */
  omitHeaders?: string[];
}

/** How the checks reach a server: one JSON-RPC message at a time, over HTTP or a message stream. */
export interface Wire {
  readonly isHttp: boolean;
  request(message: Record<string, unknown>, exchange?: Exchange): Promise<Reply>;
  notify(message: Record<string, unknown>, exchange?: Exchange): Promise<Reply>;
  /** Sends `message` and drops its stream at once: the 2026 HTTP cancellation (HTTP only). */
  abandon?(message: Record<string, unknown>, exchange?: Exchange): Promise<void>;
  /** A body that is not JSON (HTTP only). */
  raw?(body: string, headers: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

/** How long one check waits for an answer: generous for busy machines, bounded so a hang fails. */
export const REPLY_TIMEOUT_MS = 10_000;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error object of a reply, if it is a JSON-RPC error. */
export function errorOf(reply: Reply): { code: unknown; message: unknown; data?: unknown } | undefined {
  const error = reply.response?.error;
  return isRecord(error) ? (error as { code: unknown; message: unknown; data?: unknown }) : undefined;
}

export function resultOf(reply: Reply): Record<string, unknown> | undefined {
  const result = reply.response?.result;
  return isRecord(result) ? result : undefined;
}

/** A reply in a few words, for a failure's detail. */
export function describe(reply: Reply): string {
  if (reply.missing === 'timeout') return `no answer within ${REPLY_TIMEOUT_MS / 1000} s`;
  if (reply.missing === 'closed') return 'the connection closed';
  const status = reply.http ? `HTTP ${reply.http.status} ` : '';
  const error = errorOf(reply);
  if (error) return `${status}error ${String(error.code)} ${JSON.stringify(clip(String(error.message)))}`;
  if (reply.response && 'result' in reply.response) return `${status}a result`;
  return `${status}${reply.http?.body ? `body ${JSON.stringify(clip(reply.http.body))}` : 'no JSON-RPC answer'}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
