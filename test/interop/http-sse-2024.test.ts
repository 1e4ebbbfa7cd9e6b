/**
 * The deprecated HTTP+SSE transport (2024-11-05): the SDK v1 `SSEClientTransport` against erlmcp's
 * `/sse` + `/messages` endpoints; and the erlmcp client falling back to it when a server has no
 * Streamable HTTP endpoint.
 */
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { contentText } from '../support/wait.js';

let http: HttpServerHandle;
beforeAll(async () => {
  http = await serveHttp(createServer(), { port: 0 });
});
afterAll(async () => {
  await http?.close();
});

describe('2024-11-05 HTTP+SSE server endpoints', () => {
  it('serve the SDK v1 SSEClientTransport: initialize, tools, a server→client request', async () => {
    const client = new V1Client({ name: 'old', version: '1' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: 'accept',
      content: { username: 'old', email: 'o' },
    }));
    await client.connect(new SSEClientTransport(new URL(http.url.replace(/\/mcp$/, '/sse'))));
    try {
      expect(client.getServerVersion()?.name).toBe('erlmcp-everything');
      expect(contentText(await client.callTool({ name: 'echo', arguments: { message: 'sse' } }))).toBe(
        'Echo: sse',
      );
      expect(
        contentText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'm' } })),
      ).toContain('action=accept');
    } finally {
      await client.close();
    }
  });

  it('refuses a POST for an unknown stream with 404', async () => {
    const response = await fetch(http.url.replace(/\/mcp$/, '/messages?sessionId=nope'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(response.status).toBe(404);
  });
});

describe('erlmcp client fallback to HTTP+SSE', () => {
  it('falls back from Streamable HTTP to the 2024-11-05 HTTP+SSE transport when the URL is an SSE endpoint', async () => {
    const client = new Client({ name: 'fallback', version: '1' }, { probeTimeoutMs: 2000 });
    await client.connect(new StreamableHttpClientTransport(http.url.replace(/\/mcp$/, '/sse')));
    try {
      expect(client.era).toBe('legacy');
      expect(contentText(await client.callTool('echo', { message: 'old' }))).toBe('Echo: old');
    } finally {
      await client.close();
    }
  });
});
