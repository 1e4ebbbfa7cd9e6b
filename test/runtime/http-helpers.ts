import { Agent, request } from 'node:http';
import { type HttpServerHandle, type ServeHttpOptions, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import type { McpServerOptions } from '../../src/server/options.js';

/** Servers started by a test file; `stopAll()` in afterEach destroys them (sockets included). */
export class ServerPool {
  readonly #handles: HttpServerHandle[] = [];

  async start(
    setup: (server: McpServer) => void,
    options: Partial<McpServerOptions> = {},
    http: ServeHttpOptions = {},
  ): Promise<{ mcp: McpServer; http: HttpServerHandle; url: string }> {
    const mcp = new McpServer({
      name: 'runtime-faults',
      version: '1.0.0',
      onDiagnostic: () => {},
      ...options,
      // Shedding on event-loop delay is off unless a test turns it on: on a busy test machine it
      // would turn the expected outcome of other faults into 503s.
      limits: { maxEventLoopDelayMs: 0, ...options.limits },
    });
    setup(mcp);
    const handle = await serveHttp(mcp, { httpSse: false, ...http, host: '127.0.0.1', port: 0 });
    this.#handles.push(handle);
    return { mcp, http: handle, url: handle.url };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#handles.splice(0).map((handle) => handle.destroy()));
  }
}

export interface Reply {
  status: number;
  retryAfter: string | null;
  sessionId: string | null;
  /** The JSON-RPC message of the body (the last `data:` line of an SSE body). */
  body: {
    id?: unknown;
    result?: Record<string, unknown>;
    error?: { code: number; message: string; data?: Record<string, unknown> };
  };
  /** Milliseconds from sending to the whole body read. */
  ms: number;
}

const ACCEPT = 'application/json, text/event-stream';
let nextId = 0;

// node:http with one keep-alive agent: a lighter client than fetch, so that in load tests the
// latency measured is the server's, not the cost of running many clients in the same process.
const agent = new Agent({ keepAlive: true });

export function post(url: string, message: object, headers: Record<string, string> = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
        timeout: 20_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('error', reject);
        res.on('end', () => {
          const ms = performance.now() - started;
          let body: Reply['body'] = {};
          if (text.length > 0) {
            const json = String(res.headers['content-type'] ?? '').includes('text/event-stream')
              ? (text
                  .split('\n')
                  .filter((line) => line.startsWith('data: {'))
                  .at(-1)
                  ?.slice(6) ?? '{}')
              : text;
            body = JSON.parse(json) as Reply['body'];
          }
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: headerValue(res.headers['retry-after']),
            sessionId: headerValue(res.headers['mcp-session-id']),
            body,
            ms,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(JSON.stringify(message));
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Opens a 2025-11-25 session (initialize + initialized) and returns its id. */
export async function openSession(url: string): Promise<string> {
  const reply = await post(url, {
    jsonrpc: '2.0',
    id: ++nextId,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'faults', version: '1' } },
  });
  if (reply.status !== 200 || !reply.sessionId) throw new Error(`initialize failed: ${reply.status}`);
  await post(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { 'mcp-session-id': reply.sessionId },
  );
  return reply.sessionId;
}

/** A request in a 2025 session. */
export function sessionRequest(
  url: string,
  sessionId: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Reply> {
  return post(
    url,
    { jsonrpc: '2.0', id: ++nextId, method, params },
    { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
  );
}

export const callTool = (url: string, sessionId: string, name: string, args: Record<string, unknown> = {}) =>
  sessionRequest(url, sessionId, 'tools/call', { name, arguments: args });

export const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'faults', version: '1' },
};

/** A stateless 2026-07-28 request with the mirrored headers the binding requires. */
export function modernRequest(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': method };
  if (method === 'tools/call') headers['mcp-name'] = String(params.name);
  return post(
    url,
    { jsonrpc: '2.0', id: ++nextId, method, params: { ...params, _meta: MODERN_META } },
    headers,
  );
}

export const modernCallTool = (url: string, name: string, args: Record<string, unknown> = {}) =>
  modernRequest(url, 'tools/call', { name, arguments: args });

/** The text of a tool result's content blocks ("|"-joined). */
export function resultText(reply: Reply): string {
  const content = (reply.body.result?.content ?? []) as { text?: string }[];
  return content.map((block) => block.text ?? '').join('|');
}

/** Busy-waits: a CPU-bound handler that never yields. */
export function busyLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** The p-th percentile (0..100) of the values, nearest-rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
