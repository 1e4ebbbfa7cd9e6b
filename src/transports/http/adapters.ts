import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '../../server/mcp-server.js';
import type { HttpTransportOptions } from './options.js';
import { createStreamableHttpHandler, type HttpHandler } from './streamable-http-handler.js';

/*
 * Framework adapters only translate: they hand the framework's underlying node:http objects (and a
 * body the framework already parsed) to the one Streamable HTTP handler. No framework is imported:
 * the shapes below are structural.
 */

interface ExpressLikeRequest extends IncomingMessage {
  body?: unknown;
}

/**
 * Express (4 or 5): `app.all('/mcp', expressHandler(server))`. Works with or without
 * `express.json()` in front (a parsed body is used as is; otherwise the raw body is read).
 */
export function expressHandler(
  server: McpServer,
  options: HttpTransportOptions = {},
): ((req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void) => void) & {
  close(): Promise<void>;
} {
  const handler = createStreamableHttpHandler(server, options);
  const middleware = (req: ExpressLikeRequest, res: ServerResponse, _next: (error?: unknown) => void) => {
    const parsed =
      req.body !== undefined && typeof req.body === 'object' && !Buffer.isBuffer(req.body)
        ? req.body
        : undefined;
    // Failures inside erlmcp are answered (500) and reported by the handler, not passed to `next`.
    void handler(req, res, parsed);
  };
  return Object.assign(middleware, { close: () => handler.close() });
}

interface FastifyLikeRequest {
  raw: IncomingMessage;
  body?: unknown;
}
interface FastifyLikeReply {
  raw: ServerResponse;
  hijack(): void;
}

/**
 * Fastify: `app.all('/mcp', fastifyHandler(server))`. The reply is hijacked: erlmcp writes the
 * response (JSON or SSE) itself.
 */
export function fastifyHandler(
  server: McpServer,
  options: HttpTransportOptions = {},
): ((request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<void>) & { close(): Promise<void> } {
  const handler = createStreamableHttpHandler(server, options);
  const route = async (request: FastifyLikeRequest, reply: FastifyLikeReply) => {
    reply.hijack();
    await handler(request.raw, reply.raw, request.body ?? undefined);
  };
  return Object.assign(route, { close: () => handler.close() });
}

/** Plain node:http: `createServer(nodeHandler(server))` (the handler serves any path it is given). */
export function nodeHandler(server: McpServer, options: HttpTransportOptions = {}): HttpHandler {
  return createStreamableHttpHandler(server, options);
}
