import type { IncomingMessage, ServerResponse } from 'node:http';
import { channels, publishBytes, type TransportName } from '../../core/diagnostics.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { decodeUtf8Strict } from '../framing/utf8.js';
import { sendError } from './http-responses.js';

/** Why a body was not taken: its HTTP status and JSON-RPC error. */
export interface BodyRefusal {
  readonly status: 400 | 413;
  readonly code: number;
  readonly message: string;
}

export const bodyTooLarge = (limit: number): BodyRefusal => ({
  status: 413,
  code: ErrorCode.InvalidRequest,
  message: `Payload Too Large: body exceeds ${limit} bytes`,
});

const UNREADABLE: BodyRefusal = {
  status: 400,
  code: ErrorCode.ParseError,
  message: 'Parse error: could not read the body',
};
const NOT_UTF8: BodyRefusal = {
  status: 400,
  code: ErrorCode.ParseError,
  message: 'Parse error: body is not valid UTF-8',
};
const NOT_JSON: BodyRefusal = {
  status: 400,
  code: ErrorCode.ParseError,
  message: 'Parse error: body is not valid JSON',
};

/**
 * Decodes a JSON body the way every transport does: strict UTF-8 (stdio, TCP and WebSocket refuse
 * invalid bytes too, rather than substituting U+FFFD), then JSON.
 */
export function parseJsonBody(body: Uint8Array): { value: unknown } | BodyRefusal {
  const text = decodeUtf8Strict(body);
  if (text === undefined) return NOT_UTF8;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return NOT_JSON;
  }
}

/**
 * The one request-reading path of every HTTP endpoint: reads the whole body and parses it as JSON,
 * calling `done` once with the value or a refusal (a callback, not a promise: this is on every POST).
 * A declared `Content-Length` over `limit` is refused before a byte is read; a body that grows past
 * it stops being read at once (the refusal closes the connection: see `sendBodyRefusal`).
 */
export function receiveJson(
  req: IncomingMessage,
  limit: number,
  done: (refusal: BodyRefusal | undefined, value: unknown) => void,
  /** Whose bytes these are, on `erlmcp:transport:bytes`. */
  transport: TransportName = 'http',
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.pause();
    done(bodyTooLarge(limit), undefined);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (refusal: BodyRefusal | undefined, value: unknown) => {
    if (settled) return;
    settled = true;
    done(refusal, value);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      // Stop here: no more of this body is read (the socket is closed after the 413).
      req.removeAllListeners('data');
      req.pause();
      chunks.length = 0;
      settle(bodyTooLarge(limit), undefined);
      return;
    }
    chunks.push(chunk);
  });
  req.once('end', () => {
    if (settled) return;
    if (channels.bytes.hasSubscribers) publishBytes(transport, 'in', size);
    const parsed = parseJsonBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    if ('value' in parsed) settle(undefined, parsed.value);
    else settle(parsed, undefined);
  });
  req.once('error', () => settle(UNREADABLE, undefined));
}

/**
 * Answers a refused body. A 413 also ends the connection (`Connection: close`; Node then closes the
 * socket once the answer is written), so the rest of an oversized body is never read.
 */
export function sendBodyRefusal(res: ServerResponse, refusal: BodyRefusal): void {
  const headers: Record<string, string> = refusal.status === 413 ? { connection: 'close' } : {};
  sendError(res, refusal.status, refusal.code, refusal.message, null, undefined, headers);
}
