/**
 * A server may send a request on the session's GET stream the moment a tool runs (SDK v1's
 * `server.elicitInput()` outside a request's context does), and SDK servers drop a message no open
 * stream can carry. The erlmcp client therefore holds the session's requests until its GET stream is
 * open: here the server answers the GET late, and the elicitation must still arrive.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer as SdkServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { StreamableHttpClientTransport } from '../../src/exports/http.js';
import { contentText } from '../support/wait.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** An SDK v1 server whose tool asks for input on the GET stream, and which answers GETs late. */
async function slowGetServer(getDelayMs: number): Promise<string> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      const sdk = new SdkServer({ name: 'sdk-v1-get-stream', version: '1.0.0' });
      sdk.registerTool('ask', { description: 'Asks for a name' }, async () => {
        const answer = await sdk.server.elicitInput({
          message: 'Your name?',
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        });
        return { content: [{ type: 'text', text: `Hello, ${String(answer.content?.name)}` }] };
      });
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => {
          sessions.set(sessionId, created);
        },
      });
      await sdk.connect(created);
      transport = created;
    }
    if (req.method === 'GET') await new Promise((resolve) => setTimeout(resolve, getDelayMs));
    await transport.handleRequest(req, res);
  };
  const http = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const transport of sessions.values()) await transport.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
}

describe('erlmcp client: the 2025 GET stream opens before the session is used', () => {
  it('receives a request the server sends on the GET stream right after connecting', async () => {
    const client = new Client(
      { name: 'get-stream', version: '1' },
      {
        versionNegotiation: 'legacy',
        elicitation: async () => ({ action: 'accept', content: { name: 'Ada' } }),
      },
    );
    await client.connect(new StreamableHttpClientTransport(await slowGetServer(300)));
    closers.push(() => client.close());
    const result = await client.callTool('ask', {}, { timeoutMs: 5_000 });
    expect(contentText(result)).toBe('Hello, Ada');
  });
});
