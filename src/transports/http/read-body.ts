import type { IncomingMessage } from 'node:http';
import { channels, publishBytes, type TransportName } from '../../observability/events.js';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Reads the whole body, refusing (and stopping reading) past `limit` bytes. Calls `done` once, with
 * the body or the error (a callback, not a promise: this is on every POST).
 */
export function receiveBody(
  req: IncomingMessage,
  limit: number,
  done: (error: Error | undefined, body: Buffer) => void,
  /** Whose bytes these are, on `erlmcp:transport:bytes`. */
  transport: TransportName = 'http',
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    done(new BodyTooLargeError(`Body exceeds ${limit} bytes`), EMPTY);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (error: Error | undefined, body: Buffer) => {
    if (settled) return;
    settled = true;
    done(error, body);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.removeAllListeners('data');
      req.resume();
      settle(new BodyTooLargeError(`Body exceeds ${limit} bytes`), EMPTY);
      return;
    }
    chunks.push(chunk);
  });
  req.once('end', () => {
    if (channels.bytes.hasSubscribers) publishBytes(transport, 'in', size);
    settle(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  });
  req.once('error', (error) => settle(error, EMPTY));
}

/** `receiveBody` as a promise, for paths that are not hot. */
export function readBody(
  req: IncomingMessage,
  limit: number,
  transport: TransportName = 'http',
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    receiveBody(req, limit, (error, body) => (error ? reject(error) : resolve(body)), transport),
  );
}

const EMPTY = Buffer.alloc(0);
