import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MCP_SUBPROTOCOL } from './options.js';

/** An upgrade answered with a plain HTTP status instead of a WebSocket. */
export interface UpgradeRefusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** The subprotocols a client offers (`Sec-WebSocket-Protocol`, comma-separated, possibly repeated). */
export function offeredSubprotocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0);
}

/**
 * Whether an upgrade may become an MCP connection. The same Host and Origin rules as HTTP: browsers let
 * any page open a WebSocket to localhost without CORS, so Origin is the only guard against a hostile
 * page (and Host against DNS rebinding). A client offering subprotocols must offer `mcp`: one that
 * offers only others expects a protocol we do not speak, and a clear 400 beats a connection that
 * fails later. A client offering none is accepted (plain `new WebSocket(url)`).
 */
export function checkUpgrade(
  req: IncomingMessage,
  /** The server's Host/Origin policy (`hostOriginGuard`, built once with the server). */
  refusedHostOrOrigin: (headers: IncomingHttpHeaders) => string | undefined,
): UpgradeRefusal | undefined {
  const forbidden = refusedHostOrOrigin(req.headers);
  if (forbidden) return { status: 403, message: forbidden };
  const offered = offeredSubprotocols(req.headers['sec-websocket-protocol']);
  if (offered.length > 0 && !offered.includes(MCP_SUBPROTOCOL)) {
    return { status: 400, message: `Unsupported subprotocol: offer "${MCP_SUBPROTOCOL}"` };
  }
  return undefined;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/** Answers an upgrade with a plain HTTP response and closes the socket. */
export function rejectUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  // A client that hangs up first must not crash the server.
  socket.on('error', () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${refusal.message}\n`;
  const headers = {
    connection: 'close',
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...refusal.headers,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? 'Error'}\r\n${lines.join('')}\r\n${body}`,
  );
  // end() waits for the peer to finish; destroy soon so a silent peer cannot hold the socket.
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
