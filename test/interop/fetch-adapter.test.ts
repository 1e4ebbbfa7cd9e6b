/**
 * The Fetch adapter (`(Request) => Response`, as Hono, Bun, Deno and workers mount it), driven with no
 * network at all: the SDK v2 client and the erlmcp client get it as their injected `fetch`.
 */
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { fetchHandler, StreamableHttpClientTransport } from '../../src/exports/http.js';
import { contentText } from '../support/wait.js';

// Client and server share this process, and the SDK clients' first requests compile large modules
// mid-test: on a busy CI machine that blocks the loop past the shedder's threshold, which it rightly
// treats as overload. Shedding has its own tests (test/runtime); here it is off.
const handler = fetchHandler(createServer({ limits: { maxEventLoopDelayMs: 0 } }));
const fetchThroughHandler = (async (input: string | URL | Request, init?: RequestInit) =>
  handler(new Request(input, init))) as typeof fetch;
afterAll(async () => {
  await handler.close();
});
const URL_BASE = 'http://localhost/mcp';

describe('Fetch adapter', () => {
  it('serves the SDK v2 client in 2026 (MRTR) and 2025 (session, SSE server requests)', async () => {
    for (const mode of ['auto', 'legacy'] as const) {
      const client = new V2Client(
        { name: 'v2-fetch', version: '1' },
        { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode } },
      );
      client.setRequestHandler('elicitation/create', async () => ({
        action: 'accept',
        content: { name: 'Ada', username: 'ada', email: 'e' },
      }));
      await client.connect(new V2HttpTransport(new URL(URL_BASE), { fetch: fetchThroughHandler }));
      expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'auto' ? '2026-07-28' : '2025-11-25');
      expect(contentText(await client.callTool({ name: 'echo', arguments: { message: 'fetch' } }))).toBe(
        'Echo: fetch',
      );
      expect(
        contentText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'm' } })),
      ).toContain('action=accept');
      await client.close();
    }
  });

  it('serves the SDK v1 client (2025 session) through the injected fetch', async () => {
    const client = new V1Client({ name: 'v1-fetch', version: '1' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: 'accept',
      content: { username: 'u', email: 'e' },
    }));
    const transport = new V1HttpTransport(new URL(URL_BASE), { fetch: fetchThroughHandler });
    await client.connect(transport);
    expect(contentText(await client.callTool({ name: 'echo', arguments: { message: 'v1' } }))).toBe(
      'Echo: v1',
    );
    expect(
      contentText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'm' } })),
    ).toContain('action=accept');
    await transport.terminateSession();
    await client.close();
  });

  it('streams progress to the erlmcp client and answers bad input with the spec statuses', async () => {
    const client = new Client({ name: 'erlmcp-fetch', version: '1' });
    await client.connect(new StreamableHttpClientTransport(URL_BASE, { fetch: fetchThroughHandler }));
    const progress: number[] = [];
    await client.callTool('test_tool_with_progress', {}, { onProgress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([0, 50, 100]);
    await client.close();
    expect(
      (
        await handler(
          new Request(URL_BASE, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
        )
      ).status,
    ).toBe(415);
    const garbage = await handler(
      new Request(URL_BASE, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
    );
    expect(garbage.status).toBe(400);
    expect(
      (await handler(new Request(URL_BASE, { method: 'GET', headers: { accept: 'text/event-stream' } })))
        .status,
    ).toBe(405);
  });
});
