/**
 * The peer: SDK v1 McpServer over StreamableHTTPServerTransport, a server per session (the SDK's
 * way), JSON responses. `--resource-bytes N` adds the text resource bench://big of N bytes.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { BIG_RESOURCE_URI, bigText } from '../lib/big-text.js';

const { values } = parseArgs({ options: { 'resource-bytes': { type: 'string' } } });
const big = values['resource-bytes'] ? bigText(Number(values['resource-bytes'])) : undefined;
const transports = new Map<string, StreamableHTTPServerTransport>();

function newServer(): McpServer {
  const server = new McpServer({ name: 'sdk-v1-http-bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({
    content: [{ type: 'text', text: `Echo: ${message}` }],
  }));
  if (big !== undefined)
    server.registerResource('big', BIG_RESOURCE_URI, { mimeType: 'text/plain' }, async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: big }],
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
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (sessionId) => {
        transports.set(sessionId, transport!);
      },
    });
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res, parsed);
});
http.listen(0, '127.0.0.1', () =>
  console.log(`URL http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
);
