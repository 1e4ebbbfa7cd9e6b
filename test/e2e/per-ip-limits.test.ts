import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { MODERN_HEADERS, modernToolCall } from '../support/cli-process.js';
import { type TransportKind, tcpKind, webSocketKind } from '../support/transport-kinds.js';

// The per-IP rate limit applies to every network transport, not only to HTTP POSTs: a connection's
// requests are admitted with its peer's address.

function limitedServer(): McpServer {
  const server = new McpServer({
    name: 'per-ip',
    version: '1',
    onDiagnostic: () => {},
    limits: { rate: { perSession: false, perIp: { perSecond: 0.001, burst: 3 } } },
  });
  server.tool('echo', { handler: () => 'ok' });
  return server;
}

/** Calls until the first refusal (at most 6 calls); returns how many passed and the refusal. */
async function callUntilRefused(client: Client): Promise<{ passed: number; refusal: unknown }> {
  let passed = 0;
  for (let i = 0; i < 6; i++) {
    try {
      await client.callTool('echo', {});
      passed++;
    } catch (error) {
      return { passed, refusal: error };
    }
  }
  return { passed, refusal: undefined };
}

describe.each([tcpKind, webSocketKind] as TransportKind[])('per-IP limits over $name', (kind) => {
  it('refuse a connection’s requests once its address has spent its bucket', async () => {
    const server = limitedServer();
    const { transport, close } = await kind.open(server);
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'modern' });
    try {
      await client.connect(transport);
      const { passed, refusal } = await callUntilRefused(client);
      expect(passed).toBeLessThanOrEqual(3);
      expect(refusal).toMatchObject({ code: -32011 });
    } finally {
      await client.close();
      await close();
    }
  });
});

/** A 2026 tools/call of `echo` through `url`, claiming to be forwarded for `forwardedFor`; its status. */
async function callEcho(url: string, forwardedFor: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...MODERN_HEADERS,
      'mcp-method': 'tools/call',
      'mcp-name': 'echo',
      'x-forwarded-for': forwardedFor,
    },
    body: modernToolCall(1, 'echo'),
  });
  return response.status;
}

describe('per-IP limits behind a trusted proxy', () => {
  it('count each X-Forwarded-For client apart', async () => {
    const http = await serveHttp(limitedServer(), { port: 0, trustedProxies: ['127.0.0.1'] });
    try {
      const first = [];
      for (let i = 0; i < 4; i++) first.push(await callEcho(http.url, '198.51.100.1'));
      expect(first).toEqual([200, 200, 200, 429]);
      // Another client behind the same proxy has its own bucket.
      expect(await callEcho(http.url, '198.51.100.2')).toBe(200);
    } finally {
      await http.close();
    }
  });

  it('ignore the header from peers that are not trusted proxies', async () => {
    const direct = await serveHttp(limitedServer(), { port: 0 });
    try {
      const statuses = [];
      // Forged: without trustedProxies every request is the socket's address.
      for (let i = 0; i < 4; i++) statuses.push(await callEcho(direct.url, `203.0.113.${i}`));
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await direct.close();
    }
  });
});
