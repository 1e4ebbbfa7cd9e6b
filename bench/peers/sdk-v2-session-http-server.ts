/**
 * The peer: SDK v2 sessionful Streamable HTTP (`NodeStreamableHTTPServerTransport` with a session id
 * generator), a server per session as the SDK documents it, JSON responses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const transports = new Map<string, NodeStreamableHTTPServerTransport>();

function newServer(): McpServer {
  const server = new McpServer({ name: 'sdk-v2-session-bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: z.object({ message: z.string() }) }, async ({ message }) => ({
    content: [{ type: 'text', text: `Echo: ${message}` }],
  }));
  return server;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const http = createServer(async (req, res) => {
  const parsed = req.method === 'POST' ? await body(req) : undefined;
  const id = req.headers['mcp-session-id'] as string | undefined;
  let transport = id ? transports.get(id) : undefined;
  if (!transport) {
    const created = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (sessionId) => {
        transports.set(sessionId, created);
      },
    });
    transport = created;
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res, parsed);
});
http.listen(0, '127.0.0.1', () =>
  console.log(`URL http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
);
