/** HTTP/1.1 over a bare socket, for requests node:http would refuse to send or would finish for us. */
import { connect, type Socket } from 'node:net';

export interface RawHttpReply {
  /** The status code, or 0 when the server closed without answering. */
  status: number;
  /** The whole response as text (head and body). */
  text: string;
}

/** Opens a socket to the URL's host and port; `write` the request, then `reply` reads until close. */
export function rawHttp(url: string): {
  socket: Socket;
  reply: (timeoutMs?: number) => Promise<RawHttpReply>;
} {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => {
    text += chunk;
  });
  // The server may reset a connection it refused while we still write: what it answered is what counts.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reply = async (timeoutMs = 5000): Promise<RawHttpReply> => {
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    await closed;
    clearTimeout(timer);
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
  };
  return { socket, reply };
}

/** A request head for `url`'s path: request line, Host, the given header lines, blank line. */
export function requestHead(method: string, url: string, headerLines: string[]): string {
  const { host, pathname } = new URL(url);
  return [`${method} ${pathname} HTTP/1.1`, `Host: ${host}`, ...headerLines, '', ''].join('\r\n');
}
