/**
 * In-process Streamable HTTP handlers (Request in, Response out) for the idle-session scenario: no
 * sockets, so only the state a session keeps is measured.
 */
import { McpServer as SdkMcpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { z } from 'zod';
import { createServer } from '../../examples/everything.js';
import { fetchHandler } from '../../src/exports/http.js';
import { benchServerOptions } from './bench-limits.js';

export type IdleTarget = 'erlmcp' | 'sdk-v1';
export type RequestHandler = (request: Request) => Promise<Response>;

/** erlmcp: one shared server (everything example), sessions are records in the handler. */
function erlmcpHandler(): RequestHandler {
  return fetchHandler(createServer(benchServerOptions()), { sessionIdleMs: 3_600_000 });
}

/**
 * SDK v1: the web-standard transport its Node transport wraps, one McpServer + transport per
 * session as the SDK requires. It registers only `echo` (less than erlmcp's everything server).
 */
function sdkV1Handler(): RequestHandler {
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  return async (request) => {
    const id = request.headers.get('mcp-session-id');
    const existing = id ? sessions.get(id) : undefined;
    if (existing) return existing.handleRequest(request);
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport);
      },
    });
    const server = new SdkMcpServer({ name: 'sdk-v1-idle', version: '1.0.0' });
    server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({
      content: [{ type: 'text', text: `Echo: ${message}` }],
    }));
    await server.connect(transport);
    return transport.handleRequest(request);
  };
}

export function idleHandler(target: IdleTarget): RequestHandler {
  return target === 'erlmcp' ? erlmcpHandler() : sdkV1Handler();
}

const URL_BASE = 'http://localhost/mcp';
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'idle', version: '1' } },
});

/** Opens one 2025-11-25 session (initialize + initialized) and leaves it idle. */
export async function openIdleSession(handler: RequestHandler): Promise<void> {
  const response = await handler(new Request(URL_BASE, { method: 'POST', headers: HEADERS, body: INIT }));
  const session = response.headers.get('mcp-session-id');
  await response.text();
  if (!session) throw new Error(`no session id (status ${response.status})`);
  const ack = await handler(
    new Request(URL_BASE, {
      method: 'POST',
      headers: { ...HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
      body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    }),
  );
  await ack.text();
  if (ack.status !== 202) throw new Error(`initialized answered ${ack.status}`);
}
