import { connect } from 'node:net';

/** A Redis error reply (`-ERR …`), apart from socket errors, which keep their `code` (ECONNREFUSED…). */
export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
}

/** RESP array of bulk strings: the one request form every Redis command accepts. */
export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

/**
 * The value of one complete reply at the start of `buffer` (simple string, error, integer, bulk
 * string; a nil bulk is null), or undefined while more bytes are needed. Arrays are not needed by
 * the test helpers (PING, INFO), so they are refused rather than half parsed.
 */
function parseReply(buffer: Buffer): { value: string | null } | undefined {
  const lineEnd = buffer.indexOf('\r\n');
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[0] ?? 0);
  const line = buffer.toString('utf8', 1, lineEnd);
  if (type === '+' || type === ':') return { value: line };
  if (type === '-') throw new RedisReplyError(line);
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return { value: null };
    const start = lineEnd + 2;
    if (buffer.length < start + length + 2) return undefined;
    return { value: buffer.toString('utf8', start, start + length) };
  }
  throw new Error(`unsupported RESP reply type ${JSON.stringify(type)}`);
}

/**
 * Sends one command to 127.0.0.1:`port` on a fresh connection and resolves with its reply: no client
 * library, so the test helpers do not depend on the code under test. Bounded by `timeoutMs`.
 */
export function respCommand(port: number, args: readonly string[], timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const finish = (error: Error | undefined, value?: string | null) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(value ?? null);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(new Error(`redis on port ${port}: no reply in ${timeoutMs} ms`)),
    );
    socket.once('error', (error) => finish(error));
    socket.once('end', () => finish(new Error(`redis on port ${port} closed the connection`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const reply = parseReply(received);
        if (reply) finish(undefined, reply.value);
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.write(encodeCommand(args));
  });
}

/** True when the server on `port` answers PING with +PONG (a LOADING or refused server is not ready). */
export async function answersPing(port: number): Promise<boolean> {
  try {
    return (await respCommand(port, ['PING'], 500)) === 'PONG';
  } catch {
    return false;
  }
}
