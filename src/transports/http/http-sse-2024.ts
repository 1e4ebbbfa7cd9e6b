import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { channels, publishBytes } from '../../core/diagnostics.js';
import type { MessageSink, Transport } from '../../core/transport.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { McpServer } from '../../server/mcp-server.js';
import { clientAddressOf } from '../client-address.js';
import { encodeSseEvent, SSE_KEEP_ALIVE } from '../framing/sse.js';
import { hostOriginGuard } from '../host-policy.js';
import { authenticatedOrRefused } from './authenticate.js';
import { sendError, sendNotJson, sendRefusal } from './http-responses.js';
import { HTTP_DEFAULTS, type HttpTransportOptions } from './options.js';
import { receiveJson, sendBodyRefusal } from './read-body.js';
import { isJsonContentType } from './request-headers.js';
import { SSE_HEADERS } from './sse-stream.js';

/**
 * The deprecated HTTP+SSE transport of 2024-11-05, for old clients: GET opens an SSE stream whose
 * first event names the POST endpoint; every message the client POSTs there is answered on the stream.
 * Each stream is one connection to the server (a MessageConnection), so both eras' core applies.
 */
class SseConnectionTransport implements Transport {
  readonly kind = 'sse';
  #sink: MessageSink | undefined;
  #closed = false;
  readonly #keepAlive: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    keepAliveMs: number,
    /** The OAuth principal that opened the stream; only it may post to it. */
    readonly principal: string | undefined,
  ) {
    this.#keepAlive = setInterval(() => res.write(SSE_KEEP_ALIVE), keepAliveMs);
    this.#keepAlive.unref();
    res.once('close', () => void this.close());
  }

  start(sink: MessageSink): void {
    this.#sink = sink;
  }

  receive(value: unknown): void {
    this.#sink?.onMessage(value);
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed) throw new ErlmcpError('ERR_CONNECTION_CLOSED', 'SSE stream is closed');
    const event = encodeSseEvent({ event: 'message', data: encodeMessage(message) });
    if (channels.bytes.hasSubscribers) publishBytes('sse', 'out', Buffer.byteLength(event));
    this.res.write(event);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepAlive);
    this.res.end();
    this.#sink?.onClose();
  }
}

export interface HttpSseHandler {
  /** GET: opens a stream. */
  stream(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** POST `?sessionId=`: one message for that stream. */
  message(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

/** `messagesPath` is what the `endpoint` event tells clients to POST to. */
export function createHttpSseHandler(
  server: McpServer,
  messagesPath: string,
  options: HttpTransportOptions = {},
): HttpSseHandler {
  const streams = new Map<string, SseConnectionTransport>();
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes;
  const keepAliveMs = options.keepAliveMs ?? HTTP_DEFAULTS.keepAliveMs;
  const refusedHostOrOrigin = hostOriginGuard(options);
  const clientIp = clientAddressOf(options.trustedProxies);
  const guard = (req: IncomingMessage, res: ServerResponse) => {
    const forbidden = refusedHostOrOrigin(req.headers);
    if (forbidden) sendError(res, 403, ErrorCode.InvalidRequest, forbidden);
    return forbidden === undefined;
  };
  return {
    async stream(req, res) {
      if (!guard(req, res)) return;
      const auth = options.auth ? await authenticatedOrRefused(options.auth, req, res) : undefined;
      if (options.auth && !auth) return;
      // The stream's `initialize` is admitted as a session (rate, caps); here only whether any may open.
      const refusal = server.core.supervisor.admitConnection({
        ip: clientIp(req),
        transport: 'sse',
      });
      if (refusal) {
        sendRefusal(res, refusal);
        return;
      }
      const id = (options.sessionIdPrefix ?? '') + randomUUID();
      res.writeHead(200, SSE_HEADERS);
      res.write(encodeSseEvent({ event: 'endpoint', data: `${messagesPath}?sessionId=${id}` }));
      const transport = new SseConnectionTransport(res, keepAliveMs, auth?.principal);
      streams.set(id, transport);
      res.once('close', () => streams.delete(id));
      const ip = clientIp(req);
      await server.connect(transport, { ...(ip === undefined ? {} : { ip }), ...(auth ? { auth } : {}) });
    },
    async message(req, res) {
      if (!guard(req, res)) return;
      const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sessionId');
      const auth = options.auth ? await authenticatedOrRefused(options.auth, req, res) : undefined;
      if (options.auth && !auth) return;
      if (id && options.routeSession?.(id, req, res)) return;
      const transport = id ? streams.get(id) : undefined;
      // A stream belongs to the principal that opened it: another one is told it does not exist.
      if (!transport || transport.principal !== auth?.principal) {
        sendError(res, 404, ErrorCode.InvalidRequest, 'Unknown or missing sessionId');
        return;
      }
      if (!isJsonContentType(req.headers['content-type'])) {
        sendNotJson(res);
        return;
      }
      receiveJson(
        req,
        maxBodyBytes,
        (refusal, value) => {
          if (refusal) {
            sendBodyRefusal(res, refusal);
            return;
          }
          res.writeHead(202).end('Accepted');
          transport.receive(value);
        },
        'sse',
      );
    },
    async close() {
      await Promise.all([...streams.values()].map((transport) => transport.close()));
    },
  };
}
