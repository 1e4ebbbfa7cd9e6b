/** The peer: SDK v2 `createMcpHandler` (2026 stateless, legacy fallback) on node:http. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'sdk-v2-http-bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: z.object({ message: z.string() }) }, async ({ message }) => ({
    content: [{ type: 'text', text: `Echo: ${message}` }],
  }));
  return server;
});

const node = toNodeHandler(handler);
const http = createServer((req, res) => {
  void node(req as Parameters<typeof node>[0], res);
});
http.listen(0, '127.0.0.1', () =>
  console.log(`URL http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
);
