/**
 * WebSocket specifics: many concurrent sessions of both eras on one server, and draining. Every
 * feature over ws:// and wss:// with mutual TLS, in both eras, runs in client-server.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import type { McpServer } from '../../src/server/mcp-server.js';
import {
  serveWebSocket,
  WebSocketClientTransport,
  type WebSocketClientTransportOptions,
  type WebSocketServerHandle,
} from '../../src/transports/websocket/index.js';
import { everythingClientOptions } from '../support/everything-client.js';
import { generateTestCerts, type TestCerts } from '../support/test-certs.js';
import { contentText, waitUntil } from '../support/wait.js';

let certs: TestCerts;
beforeAll(() => {
  certs = generateTestCerts();
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

type Scheme = 'ws' | 'wss+mtls';
type Mode = 'legacy' | 'modern';

function whoami(server: McpServer): McpServer {
  server.tool('whoami', { handler: (_args, ctx) => ctx.principal ?? 'anonymous' });
  return server;
}

async function serve(scheme: Scheme, server: McpServer = whoami(createServer({ pageSize: 4 }))) {
  const handle = await serveWebSocket(server, {
    port: 0,
    ...(scheme === 'wss+mtls'
      ? {
          tls: {
            cert: { path: certs.serverCert },
            key: { path: certs.serverKey },
            clientCa: { path: certs.ca },
          },
        }
      : {}),
  });
  closers.push(() => handle.close());
  return handle;
}

function transportFor(
  handle: WebSocketServerHandle,
  scheme: Scheme,
  extra: WebSocketClientTransportOptions = {},
) {
  return new WebSocketClientTransport(handle.url, {
    ...(scheme === 'wss+mtls'
      ? {
          tls: {
            ca: certs.read(certs.ca),
            cert: certs.read(certs.clientCert),
            key: certs.read(certs.clientKey),
          },
        }
      : {}),
    ...extra,
  });
}

async function connect(handle: WebSocketServerHandle, scheme: Scheme, mode: Mode) {
  const client = new Client({ name: 'erlmcp-ws-test', version: '1.0.0' }, everythingClientOptions(mode));
  await client.connect(transportFor(handle, scheme));
  closers.push(() => client.close());
  return client;
}

describe('WebSocket: many sessions on one server', () => {
  it('serves 40 concurrent clients of both eras, each with its own session', async () => {
    const handle = await serve('ws');
    const clients = await Promise.all(
      Array.from({ length: 40 }, (_, i) => connect(handle, 'ws', i % 2 === 0 ? 'legacy' : 'modern')),
    );
    expect(handle.connectionCount).toBe(40);
    const results = await Promise.all(
      clients.map(async (client, i) => {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, j) => client.callTool('add', { a: i, b: j })),
        );
        return answers.map((answer) => (answer.structuredContent as { sum: number }).sum);
      }),
    );
    expect(results).toEqual(
      Array.from({ length: 40 }, (_, i) => Array.from({ length: 10 }, (_, j) => i + j)),
    );
    await Promise.all(clients.slice(0, 20).map((client) => client.close()));
    await waitUntil(() => handle.connectionCount === 20);
    expect(contentText(await clients[39]!.callTool('echo', { message: 'last' }))).toBe('Echo: last');
  });

  it('close() drains: a running call finishes, then clients are told 1001 going away', async () => {
    const handle = await serve('ws');
    const transport = transportFor(handle, 'ws');
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'legacy' });
    await client.connect(transport);
    closers.push(() => client.close());
    const running = client.callTool('slow', { ms: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = handle.close();
    expect(contentText(await running)).toContain('200');
    await closed;
    await waitUntil(() => transport.closeCode !== undefined);
    expect(transport.closeCode).toBe(1001);
    expect(client.connected).toBe(false);
  });
});
