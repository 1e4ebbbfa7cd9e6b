import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';

let http: HttpServerHandle;
let url: URL;
let cancelled = 0;

async function waitForCancel(): Promise<void> {
  for (let i = 0; i < 200 && cancelled === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeAll(async () => {
  const server = new McpServer({ name: 'http-bad-input', version: '1', onDiagnostic: () => {} });
  server.tool('echo', { handler: () => 'ok' });
  server.tool('waits', {
    handler: async (_args, ctx) => {
      await ctx.log('info', 'started');
      await new Promise((resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          cancelled++;
          reject(new Error('aborted'));
        });
        setTimeout(resolve, 5000);
      });
      return 'finished';
    },
  });
  server.tool('brief', {
    handler: async (_args, ctx) => {
      await ctx.log('info', 'one');
      await ctx.log('info', 'two');
      return 'done';
    },
  });
  server.tool('chatty', {
    handler: async (_args, ctx) => {
      for (let i = 0; i < 200; i++) await ctx.log('info', 'x'.repeat(2048));
      return 'done';
    },
  });
  // Results JSON cannot carry (a BigInt): the response cannot be written, synchronously or later.
  const unwritable = { content: [{ type: 'text' as const, text: 'x' }], structuredContent: { n: 1n } };
  server.tool('unwritable', { handler: () => unwritable });
  server.tool('unwritable-later', { handler: async () => unwritable });
  http = await serveHttp(server, { port: 0, maxBodyBytes: 1024, maxSseBufferBytes: 16 * 1024 });
  url = new URL(http.url);
});
afterAll(async () => {
  await http?.close();
});

const JSON_AND_SSE = 'application/json, text/event-stream';
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  send(
    'POST',
    { 'content-type': 'application/json', accept: JSON_AND_SSE, ...headers },
    typeof body === 'string' ? body : JSON.stringify(body),
  );

async function openSession(): Promise<string> {
  const reply = await post(INIT);
  const id = reply.headers['mcp-session-id'] as string;
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id });
  return id;
}

const errorCode = (reply: Reply) => (JSON.parse(reply.body) as { error: { code: number } }).error.code;

describe('Streamable HTTP: bad input gets the spec status and leaves other sessions alone', () => {
  it('answers 500 when erlmcp cannot write a response, and keeps serving the session', async () => {
    const id = await openSession();
    const session = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    for (const [index, name] of ['unwritable', 'unwritable-later'].entries()) {
      const call = { jsonrpc: '2.0', id: 40 + index, method: 'tools/call', params: { name, arguments: {} } };
      expect((await post(call, session)).status).toBe(500);
    }
    const alive = await post({ jsonrpc: '2.0', id: 50, method: 'ping' }, session);
    expect([alive.status, JSON.parse(alive.body).result]).toEqual([200, {}]);
  });

  it('406 without an Accept listing both JSON and SSE; 415 without JSON content', async () => {
    expect((await post(INIT, { accept: 'application/json' })).status).toBe(406);
    expect((await send('POST', { 'content-type': 'text/plain', accept: JSON_AND_SSE }, 'hi')).status).toBe(
      415,
    );
  });

  it('reads a GET Accept as media ranges, as a POST one: */* admits the stream, q=0 refuses it', async () => {
    const session = { 'mcp-session-id': await openSession() };
    for (const accept of ['text/event-stream;q=0', 'text/event-streams', 'application/json'])
      expect((await send('GET', { accept, ...session })).status, accept).toBe(406);
    // Past the Accept check, a GET without a session is refused for that (405), not for its Accept.
    for (const accept of ['*/*', 'text/*', 'Text/Event-Stream; q=0.5'])
      expect((await send('GET', { accept })).status, accept).toBe(405);
  });

  it('403 for a foreign Origin or Host (DNS rebinding)', async () => {
    expect((await post(INIT, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(INIT, { host: 'evil.example' })).status).toBe(403);
    expect((await post(INIT, { origin: `http://localhost:${url.port}` })).status).toBe(200);
  });

  it('413 past the body limit; 400/-32700 for non-JSON; 400 for a batch', async () => {
    expect(
      (await post({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2000) } })).status,
    ).toBe(413);
    const garbage = await post('{nope');
    expect([garbage.status, errorCode(garbage)]).toEqual([400, -32700]);
    const batch = await post([INIT]);
    expect([batch.status, errorCode(batch)]).toEqual([400, -32600]);
  });

  it('400 without a session id, 404 for an unknown or deleted session, 400 for an unsupported version', async () => {
    const id = await openSession();
    expect((await post({ jsonrpc: '2.0', id: 2, method: 'ping' })).status).toBe(400);
    expect(
      (await post({ jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': 'not-a-session' })).status,
    ).toBe(404);
    expect(
      (
        await post(
          { jsonrpc: '2.0', id: 2, method: 'ping' },
          { 'mcp-session-id': id, 'mcp-protocol-version': '1999-01-01' },
        )
      ).status,
    ).toBe(400);
    const other = await openSession();
    expect((await send('DELETE', { 'mcp-session-id': id })).status).toBe(200);
    expect((await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, { 'mcp-session-id': id })).status).toBe(
      404,
    );
    const alive = await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, { 'mcp-session-id': other });
    expect(alive.status).toBe(200);
  });

  it("400, not 404, for a Last-Event-ID that is unknown or another session's: the session stays", async () => {
    const mine = await openSession();
    const theirs = await openSession();
    const sse = await post(
      { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'brief' } },
      { 'mcp-session-id': theirs },
    );
    const eventId = /id: (\S+)/.exec(sse.body)?.[1];
    expect(eventId).toBeDefined();
    for (const lastEventId of [eventId!, 'nope.3']) {
      const resumed = await send('GET', {
        accept: 'text/event-stream',
        'mcp-session-id': mine,
        'last-event-id': lastEventId,
      });
      expect([resumed.status, errorCode(resumed)], lastEventId).toEqual([400, -32600]);
      expect(JSON.parse(resumed.body).error.message).toContain('session itself is still open');
    }
    const alive = await post({ jsonrpc: '2.0', id: 6, method: 'ping' }, { 'mcp-session-id': mine });
    expect([alive.status, JSON.parse(alive.body).result]).toEqual([200, {}]);
  });

  it('2026: 400/-32020 on header mismatch, 400/-32602 without _meta, 404/-32601 for removed methods, 405 on GET', async () => {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const call = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'echo', _meta: meta } };
    const good = await post(call, {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'echo',
    });
    expect(good.status).toBe(200);
    const wrongName = await post(call, {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'other',
    });
    expect([wrongName.status, errorCode(wrongName)]).toEqual([400, -32020]);
    const noMeta = await post(
      { jsonrpc: '2.0', id: 10, method: 'tools/list', params: {} },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    );
    expect([noMeta.status, errorCode(noMeta)]).toEqual([400, -32602]);
    const ping = await post(
      { jsonrpc: '2.0', id: 11, method: 'ping', params: { _meta: meta } },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'ping' },
    );
    expect([ping.status, errorCode(ping)]).toEqual([404, -32601]);
    expect((await send('GET', { accept: 'text/event-stream' })).status).toBe(405);
  });

  it('accepts a batch only in a 2025-03-26 session and answers it as one JSON array', async () => {
    const init = await post({ ...INIT, params: { ...INIT.params, protocolVersion: '2025-03-26' } });
    const old = init.headers['mcp-session-id'] as string;
    const batch = [
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 'a', method: 'ping' },
      { jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'echo' } },
      { jsonrpc: '2.0', id: 'c', method: 'no/such' },
    ];
    const reply = await post(batch, { 'mcp-session-id': old, 'mcp-protocol-version': '2025-03-26' });
    expect(reply.status).toBe(200);
    const answers = JSON.parse(reply.body) as { id: string; result?: unknown; error?: { code: number } }[];
    expect(answers.map((answer) => answer.id).sort()).toEqual(['a', 'b', 'c']);
    expect(answers.find((answer) => answer.id === 'c')?.error?.code).toBe(-32601);
    const modern = await openSession();
    expect((await post(batch.slice(1), { 'mcp-session-id': modern })).status).toBe(400);
  });

  it('2025: a client that disconnects mid-stream does not cancel; the session lives on and the result can be resumed', async () => {
    const id = await openSession();
    const eventId = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: JSON_AND_SSE, 'mcp-session-id': id },
        },
        (res) => {
          res.setEncoding('utf8');
          res.once('data', (chunk: string) => {
            const primed = /id: (\S+)/.exec(chunk)?.[1];
            res.destroy();
            if (primed) resolve(primed);
            else reject(new Error(`no event id in ${chunk}`));
          });
        },
      );
      req.on('error', () => {});
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 30, method: 'tools/call', params: { name: 'brief' } }));
    });
    const resumed = await send('GET', {
      accept: 'text/event-stream',
      'mcp-session-id': id,
      'last-event-id': eventId,
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toContain('"id":30');
    expect((await post({ jsonrpc: '2.0', id: 31, method: 'ping' }, { 'mcp-session-id': id })).status).toBe(
      200,
    );
  });

  it('2026: closing the stream cancels the request', async () => {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/logLevel': 'info',
    };
    const headers = {
      'content-type': 'application/json',
      accept: JSON_AND_SSE,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'waits',
    };
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, { method: 'POST', headers }, (res) => {
        res.once('data', () => {
          res.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 40,
          method: 'tools/call',
          params: { name: 'waits', _meta: meta },
        }),
      );
    });
    await waitForCancel();
    expect(cancelled).toBe(1);
  });

  it('cuts off a reader that falls too far behind on SSE, keeping memory bounded', async () => {
    const id = await openSession();
    await post(
      { jsonrpc: '2.0', id: 20, method: 'logging/setLevel', params: { level: 'debug' } },
      { 'mcp-session-id': id },
    );
    const cut = await new Promise<{ destroyed: boolean; bytes: number }>((resolve) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: JSON_AND_SSE, 'mcp-session-id': id },
        },
        (res) => {
          // Never read: the server's buffer fills past its limit and it gives up on us.
          res.pause();
          let bytes = 0;
          setTimeout(() => {
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
            });
            res.resume();
          }, 500);
          res.on('close', () => resolve({ destroyed: !res.complete, bytes }));
          res.on('error', () => {});
        },
      );
      req.on('error', () => resolve({ destroyed: true, bytes: 0 }));
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 21, method: 'tools/call', params: { name: 'chatty' } }));
    });
    expect(cut.destroyed).toBe(true);
    expect(cut.bytes).toBeLessThan(200 * 2048);
    expect((await post({ jsonrpc: '2.0', id: 22, method: 'ping' }, { 'mcp-session-id': id })).status).toBe(
      200,
    );
  });
});
