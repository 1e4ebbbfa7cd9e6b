/** The peer: the same `echo` tool on the official SDK v1 over stdio. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'sdk-v1-bench', version: '1.0.0' });
server.registerTool(
  'echo',
  { description: 'Echoes', inputSchema: { message: z.string() } },
  async ({ message }) => ({
    content: [{ type: 'text', text: `Echo: ${message}` }],
  }),
);
await server.connect(new StdioServerTransport());
