/**
 * An official SDK v1 server (`@modelcontextprotocol/sdk`) over Streamable HTTP (2025 sessions, SSE
 * responses) on 127.0.0.1, port 0, in this process: the gateway tests' 2025 HTTP upstream. It keeps
 * the headers of every HTTP request it received; `close()` ends its sessions and drops its sockets.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface SdkV1HttpServer {
  url: string;
  /** Headers of every HTTP request received, in order. */
  received: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Tools: `add` (structured), `ask_name` (elicitation), `ask_model` (sampling), `echo_headers`. */
function newServer(): McpServer {
  const server = new McpServer({ name: 'sdk-v1-http-fixture', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'Adds', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool('ask_name', { description: 'Asks for a name, then greets' }, async () => {
    const answer = await server.server.elicitInput({
      message: 'Your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
    return { content: [{ type: 'text', text: `Hello, ${String(answer.content?.name)} (${answer.action})` }] };
  });
  server.registerTool('ask_model', { description: 'Asks the client model' }, async () => {
    const reply = await server.server.createMessage({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }],
      maxTokens: 10,
    });
    const text = reply.content.type === 'text' ? reply.content.text : reply.content.type;
    return { content: [{ type: 'text', text: `Model said: ${text}` }] };
  });
  server.registerTool(
    'echo_headers',
    {
      description: 'Returns the HTTP headers of the request that carried this call',
      inputSchema: { note: z.string().optional() },
    },
    async (_args, extra) => ({
      content: [
        { type: 'text' as const, text: `Authorization: ${String(extra.requestInfo?.headers.authorization)}` },
        { type: 'text' as const, text: JSON.stringify(extra.requestInfo?.headers ?? {}) },
      ],
    }),
  );
  return server;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/** Starts it on `port` (0: any free port; give the old one to restart it where it was). */
export async function startSdkV1HttpServer(port = 0): Promise<SdkV1HttpServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const received: IncomingHttpHeaders[] = [];
  const http = createServer(async (req, res) => {
    received.push({ ...req.headers });
    try {
      const parsed = req.method === 'POST' ? await body(req) : undefined;
      const id = req.headers['mcp-session-id'] as string | undefined;
      let transport = id ? transports.get(id) : undefined;
      if (!transport && id) {
        res.writeHead(404).end();
        return;
      }
      if (!transport) {
        const fresh = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sessionId) => {
            transports.set(sessionId, fresh);
          },
        });
        fresh.onclose = () => {
          if (fresh.sessionId) transports.delete(fresh.sessionId);
        };
        await newServer().connect(fresh);
        transport = fresh;
      }
      await transport.handleRequest(req, res, parsed);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    received,
    async close() {
      for (const transport of transports.values()) await transport.close().catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
