/**
 * Servers for the overload scenario, with one CPU-bound tool `burn` ({ms}: a busy loop), so
 * capacity is set by CPU and 10x offered load really overloads the process.
 * `--target erlmcp` (default limits: load shedding on) or `--target sdk-v1` (stateless transport).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { McpServer as SdkServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'erlmcp' },
    'max-delay': { type: 'string' },
    'max-utilization': { type: 'string' },
  },
});

function burn(ms: number): string {
  const until = performance.now() + ms;
  let spins = 0;
  while (performance.now() < until) spins++;
  return `burned ${ms} ms (${spins} spins)`;
}

if (values.target === 'erlmcp') {
  const server = new McpServer({
    name: 'overload',
    version: '1.0.0',
    onDiagnostic: () => {},
    limits: {
      ...(values['max-delay'] ? { maxEventLoopDelayMs: Number(values['max-delay']) } : {}),
      ...(values['max-utilization'] ? { maxEventLoopUtilization: Number(values['max-utilization']) } : {}),
    },
  });
  server.tool('burn', {
    inputSchema: { type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] },
    handler: ({ ms }) => burn(ms as number),
  });
  const handle = await serveHttp(server, { port: 0 });
  console.log(`URL ${handle.url}`);
} else {
  // SDK v1's stateless mode: a fresh server and transport per request, as its docs show.
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const server = new SdkServer({ name: 'overload-sdk', version: '1.0.0' });
    server.registerTool('burn', { inputSchema: { ms: z.number() } }, async ({ ms }) => ({
      content: [{ type: 'text', text: burn(ms) }],
    }));
    // No session id generator: the SDK's stateless mode (its type marks the key required-but-undefined).
    const options = { sessionIdGenerator: undefined, enableJsonResponse: true };
    const transport = new StreamableHTTPServerTransport(
      options as unknown as ConstructorParameters<typeof StreamableHTTPServerTransport>[0],
    );
    await server.connect(transport);
    await transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString('utf8')));
  });
  http.listen(0, '127.0.0.1', () =>
    console.log(`URL http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
  );
}
