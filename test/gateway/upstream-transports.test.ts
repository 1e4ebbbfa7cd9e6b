/**
 * The gateway reaches upstreams over every client transport: WebSocket, TCP, and the deprecated
 * 2024-11-05 HTTP+SSE transport (the erlmcp everything example served each way), and relays a
 * server→client request through each to a 2026 caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { channels, type SessionEvent } from '../../src/core/diagnostics.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { serveTcp } from '../../src/transports/tcp/serve-tcp.js';
import { serveWebSocket } from '../../src/transports/websocket/serve-websocket.js';
import { contentText } from '../support/wait.js';

const closers: (() => Promise<void>)[] = [];
/** Sessions the upstreams opened for the gateway, by transport (the HTTP+SSE one shows as `sse`). */
const sessions: string[] = [];
const onSession = (event: unknown) => {
  const { transport, clientName } = event as SessionEvent;
  if (clientName?.startsWith('erlmcp-gateway/')) sessions.push(`${clientName.slice(15)}:${transport}`);
};
let gateway: Gateway;
let endpoint: HttpServerHandle;

beforeAll(async () => {
  channels.sessionOpen.subscribe(onSession);
  const ws = await serveWebSocket(createServer(), { port: 0 });
  const tcp = await serveTcp(createServer(), { port: 0 });
  const sse = await serveHttp(createServer(), { port: 0 });
  closers.push(
    () => ws.close(),
    () => tcp.close(),
    () => sse.close(),
  );
  gateway = new Gateway(
    {
      upstreams: {
        ws: { url: ws.url },
        tcp: { url: tcp.url },
        // The /sse endpoint is the 2024-11-05 transport: the client falls back to it.
        sse: { url: sse.url.replace(/\/mcp$/, '/sse'), era: 'legacy' },
      },
      audit: false,
    },
    { onDiagnostic: () => {} },
  );
  await gateway.start();
  endpoint = await serveHttp(gateway.server, { port: 0 });
}, 30_000);

afterAll(async () => {
  channels.sessionOpen.unsubscribe(onSession);
  await endpoint?.close();
  await gateway?.close();
  for (const close of closers) await close();
});

describe('gateway upstream transports', () => {
  it('lists and calls tools of a WebSocket, a TCP and an HTTP+SSE upstream, from both eras', async () => {
    expect(gateway.health().map((health) => [health.name, health.state])).toEqual([
      ['ws', 'up'],
      ['tcp', 'up'],
      ['sse', 'up'],
    ]);
    expect(sessions).toContain('sse:sse');
    for (const era of ['modern', 'legacy'] as const) {
      const client = new Client({ name: `gw-${era}`, version: '1' }, { versionNegotiation: era });
      await client.connect(new StreamableHttpClientTransport(endpoint.url));
      try {
        const names = (await client.listAllTools()).map((tool) => tool.name);
        for (const upstream of ['ws', 'tcp', 'sse']) {
          expect(names).toContain(`${upstream}__echo`);
          const result = await client.callTool(`${upstream}__echo`, { message: `${era} via ${upstream}` });
          expect(contentText(result)).toBe(`Echo: ${era} via ${upstream}`);
        }
      } finally {
        await client.close();
      }
    }
  }, 60_000);

  it('relays an elicitation of each upstream to a 2026 caller as an input round', async () => {
    const asked: string[] = [];
    const client = new Client(
      { name: 'gw-elicit', version: '1' },
      {
        versionNegotiation: 'modern',
        elicitation: async (params) => {
          asked.push(String(params.message));
          return { action: 'accept', content: { username: 'ann', email: 'ann@example.com' } };
        },
      },
    );
    await client.connect(new StreamableHttpClientTransport(endpoint.url));
    try {
      for (const upstream of ['ws', 'tcp', 'sse']) {
        const result = await client.callTool(`${upstream}__test_elicitation`, {
          message: `who? (${upstream})`,
        });
        expect(contentText(result)).toContain('action=accept');
      }
      expect(asked).toEqual(['who? (ws)', 'who? (tcp)', 'who? (sse)']);
    } finally {
      await client.close();
    }
  }, 60_000);
});
