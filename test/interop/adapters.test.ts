/**
 * The same endpoint mounted through each framework adapter (node:http, Express, Fastify), driven by
 * the official SDK v1 client (2025 session) and SDK v2 client (`auto`: 2026).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { expressHandler, fastifyHandler, nodeHandler } from '../../src/exports/http.js';
import { contentText } from '../support/wait.js';

interface Mounted {
  url: string;
  close(): Promise<void>;
}

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

const mounts: Record<string, () => Promise<Mounted>> = {
  'node:http': async () => {
    const mcp = createServer();
    const handler = nodeHandler(mcp);
    const server = createHttpServer((req, res) => void handler(req, res));
    const url = await listen(server);
    return {
      url,
      close: async () => {
        await handler.close();
        server.closeAllConnections();
        server.close();
      },
    };
  },
  Express: async () => {
    const mcp = createServer();
    const handler = expressHandler(mcp);
    const app = express();
    app.use(express.json());
    app.all('/mcp', handler);
    const server = createHttpServer(app);
    const url = await listen(server);
    return {
      url,
      close: async () => {
        await handler.close();
        server.closeAllConnections();
        server.close();
      },
    };
  },
  Fastify: async () => {
    const mcp = createServer();
    const handler = fastifyHandler(mcp);
    const app = Fastify();
    app.all('/mcp', handler);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/mcp`,
      close: async () => {
        await handler.close();
        app.server.closeAllConnections();
        await app.close();
      },
    };
  },
};

for (const [name, mount] of Object.entries(mounts)) {
  describe(`adapter: ${name}`, () => {
    it('serves the SDK v1 client (2025 session, elicitation over SSE) and the SDK v2 client (2026)', async () => {
      const mounted = await mount();
      stops.push(() => mounted.close());
      const v1 = new V1Client({ name: 'v1', version: '1' }, { capabilities: { elicitation: {} } });
      v1.setRequestHandler(ElicitRequestSchema, async () => ({
        action: 'accept',
        content: { username: 'u', email: 'e' },
      }));
      const v1Transport = new V1HttpTransport(new URL(mounted.url));
      await v1.connect(v1Transport);
      expect(contentText(await v1.callTool({ name: 'echo', arguments: { message: name } }))).toBe(
        `Echo: ${name}`,
      );
      expect(
        contentText(await v1.callTool({ name: 'test_elicitation', arguments: { message: 'm' } })),
      ).toContain('action=accept');
      await v1Transport.terminateSession();
      await v1.close();

      const v2 = new V2Client(
        { name: 'v2', version: '1' },
        { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } },
      );
      v2.setRequestHandler('elicitation/create', async () => ({
        action: 'accept',
        content: { name: 'Ada' },
      }));
      await v2.connect(new V2HttpTransport(new URL(mounted.url)));
      expect(v2.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(contentText(await v2.callTool({ name: 'test_input_required_result_elicitation' }))).toBe(
        'Hello, Ada!',
      );
      await v2.close();
    });
  });
}
