import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';

/**
 * The priming event (an id with empty data) came with 2025-11-25; older clients fail on empty data
 * (the official SDK sends it only from 2025-11-25 on), so older sessions' streams open without it.
 */
let http: HttpServerHandle;

beforeAll(async () => {
  const server = new McpServer({ name: 'priming', version: '1', onDiagnostic: () => {} });
  server.tool('brief', {
    handler: async (_args, ctx) => {
      await ctx.log('info', 'one');
      return 'done';
    },
  });
  server.tool('echo', { handler: () => 'ok' });
  http = await serveHttp(server, { port: 0, responseMode: 'sse' });
});
afterAll(async () => {
  await http?.close();
});

async function openSession(protocolVersion: string): Promise<Record<string, string>> {
  const init = await fetch(http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }),
  });
  await init.body?.cancel();
  return {
    'mcp-session-id': init.headers.get('mcp-session-id')!,
    'mcp-protocol-version': protocolVersion,
  };
}

/** A tools/call answered as SSE: `brief` opens its stream with a log message, `echo` is written whole. */
async function callOverSse(session: Record<string, string>, name: string): Promise<string> {
  const response = await fetch(http.url, {
    method: 'POST',
    headers: {
      ...session,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name } }),
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  return response.text();
}

/** The first bytes of the session's GET stream. */
async function getStreamStart(session: Record<string, string>): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(http.url, {
    headers: { ...session, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const chunk = await response.body!.getReader().read();
  controller.abort();
  return new TextDecoder().decode(chunk.value);
}

describe('2025 SSE streams: the priming event only from 2025-11-25', () => {
  it('primes every stream of a 2025-11-25 session', async () => {
    const session = await openSession('2025-11-25');
    for (const tool of ['brief', 'echo'])
      expect(await callOverSse(session, tool), tool).toMatch(/^id: \S+\.0\nretry: 1000\ndata: \n\n/);
    expect(await getStreamStart(session)).toMatch(/^id: \S+\.0\nretry: 1000\ndata: \n\n$/);
  });

  it('sends no empty-data event in a 2025-06-18 session, yet its events keep ids to resume from', async () => {
    const session = await openSession('2025-06-18');
    for (const tool of ['brief', 'echo']) {
      const body = await callOverSse(session, tool);
      expect(body.startsWith('retry: 1000\n\nid: '), tool).toBe(true);
      expect(body, tool).not.toMatch(/^data: ?$/m);
      expect(/^id: (\S+)$/m.exec(body)?.[1], tool).toMatch(/\.1$/);
    }
    expect(await getStreamStart(session)).toBe('retry: 1000\n\n');
  });
});
