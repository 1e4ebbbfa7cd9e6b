import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { McpServer } from '../../server/mcp-server.js';
import { NOT_JSON_CONTENT } from './http-responses.js';
import { HTTP_DEFAULTS, type HttpTransportOptions } from './options.js';
import { bodyTooLarge, parseJsonBody } from './read-body.js';
import { isJsonContentType } from './request-headers.js';
import { createStreamableHttpHandler } from './streamable-http-handler.js';

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
const encoder = new TextEncoder();

/**
 * The slice of `ServerResponse` the handler uses, written into a Fetch `Response` whose body streams
 * (SSE works). The `Response` is available as soon as the status is known.
 */
class ResponseWriter extends EventEmitter {
  headersSent = false;
  writableEnded = false;
  readonly writableLength = 0;
  readonly response: Promise<Response>;
  #resolve!: (response: Response) => void;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #closed = false;

  constructor() {
    super();
    this.response = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    if (this.headersSent) return this;
    this.headersSent = true;
    const flat = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
    if (NULL_BODY_STATUS.has(status)) {
      this.#resolve(new Response(null, { status, headers: flat }));
      return this;
    }
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      // The consumer stopped reading: the client went away.
      cancel: () => this.#close(),
    });
    this.#resolve(new Response(body, { status, headers: flat }));
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    if (!this.headersSent) this.writeHead(200);
    if (this.#closed) return false;
    this.#controller?.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    return true;
  }

  end(chunk?: string | Uint8Array): this {
    if (!this.headersSent) this.writeHead(200);
    if (chunk !== undefined) this.write(chunk);
    this.writableEnded = true;
    if (!this.#closed) this.#controller?.close();
    this.#close();
    return this;
  }

  destroy(): this {
    if (!this.#closed) this.#controller?.error(new Error('stream destroyed'));
    this.#close();
    return this;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
  }
}

/**
 * The body's bytes, or undefined once it is known to exceed `limit`: a declared length is refused
 * before reading, and reading stops (the stream is cancelled) as soon as the limit is passed.
 */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

function jsonError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', id: null, error: { code, message } }, { status });
}

/**
 * A Fetch handler, `(request) => Promise<Response>`, for Hono, Bun, Deno and workers. Bodies are
 * parsed here (with the named size limit); everything else is the same handler as on node:http.
 */
export function fetchHandler(
  server: McpServer,
  options: HttpTransportOptions = {},
): ((request: Request) => Promise<Response>) & { close(): Promise<void> } {
  const handler = createStreamableHttpHandler(server, options);
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes;
  const handle = async (request: Request): Promise<Response> => {
    let parsed: unknown;
    if (request.method === 'POST') {
      if (!isJsonContentType(request.headers.get('content-type'))) {
        return jsonError(415, ErrorCode.InvalidRequest, NOT_JSON_CONTENT);
      }
      const bytes = await readLimited(request, maxBodyBytes);
      if (!bytes) {
        const refusal = bodyTooLarge(maxBodyBytes);
        return jsonError(refusal.status, refusal.code, refusal.message);
      }
      const decoded = parseJsonBody(bytes);
      if (!('value' in decoded)) return jsonError(decoded.status, decoded.code, decoded.message);
      parsed = decoded.value;
    }
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // Fetch requests carry the host in the URL, not in a header: the Host check reads it from there.
    headers.host ??= url.host;
    const req = Object.assign(new EventEmitter(), {
      method: request.method,
      url: url.pathname + url.search,
      headers,
    });
    const res = new ResponseWriter();
    request.signal?.addEventListener('abort', () => res.destroy(), { once: true });
    // Not awaited: an SSE response is returned as soon as its status is written, then streams.
    void handler(req as unknown as IncomingMessage, res as unknown as ServerResponse, parsed);
    return res.response;
  };
  return Object.assign(handle, { close: () => handler.close() });
}
