/**
 * Hostile clients on Streamable HTTP, both eras: 2025 sessions (`Mcp-Session-Id`) and 2026 stateless
 * requests (`MCP-Protocol-Version: 2026-07-28` + the `_meta` envelope). Each gets its documented
 * status and JSON-RPC error (docs/errors.md); `/healthz` shows nothing left running and no session
 * leaked; a normal request right after is served. (Body limits, slow bodies, Host/Origin checks and
 * invalid UTF-8 over HTTP have their own tests beside the HTTP transport.)
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { openSession, ServerPool } from '../runtime/http-helpers.js';
import { MODERN_HEADERS } from '../support/cli-process.js';
import { BARE_MODERN_META } from '../support/server-harness.js';
import { waitUntil } from '../support/wait.js';
import { type Probe, prototypeChanges, registerHostileTools, type ToolStats } from './hostile-tools.mjs';
import {
  DEEP_ARRAYS,
  DEEP_OBJECTS,
  MALFORMED_MESSAGES,
  POLLUTING_MEMBERS,
  POLLUTING_META,
  rawCall,
} from './payloads.js';
import { rawHttp, requestHead } from './raw-http.js';

const pool = new ServerPool();
afterEach(() => pool.stopAll());

async function start(): Promise<{ url: string; stats: ToolStats }> {
  let stats: ToolStats | undefined;
  const { url } = await pool.start((server) => {
    stats = registerHostileTools(server);
  });
  return { url, stats: stats! };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The JSON-RPC message of the body (the last `data:` of an SSE body), if any. */
  message: {
    id?: unknown;
    result?: Record<string, unknown> & { content?: { text?: string }[]; isError?: boolean };
    error?: { code: number; message: string };
  };
}

/** POSTs a raw body on a fresh connection. */
function postText(url: string, body: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', reject);
      res.on('end', () => {
        const sse = String(res.headers['content-type']).startsWith('text/event-stream');
        const json = sse
          ? text
              .split('\n')
              .filter((line) => line.startsWith('data: {'))
              .at(-1)
              ?.slice(6)
          : text;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          message: json ? (JSON.parse(json) as Reply['message']) : {},
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end(body);
  });
}

const LEGACY_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const sessionHeaders = (sessionId: string) => ({
  ...LEGACY_HEADERS,
  'mcp-session-id': sessionId,
  'mcp-protocol-version': '2025-11-25',
});
/** The mirrored headers a 2026 request needs (`Mcp-Method`, and `Mcp-Name` for tools/call). */
const modernHeaders = (method: string, name?: string) => ({
  ...MODERN_HEADERS,
  'mcp-method': method,
  ...(name === undefined ? {} : { 'mcp-name': name }),
});

const sessionCall = (id: number | string, name: string, argumentsJson: string) =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":"${name}","arguments":${argumentsJson}}}`;

/** A 2026 tools/call with its headers; `meta` replaces the bare envelope. */
function modernCall(url: string, id: number | string, name: string, argumentsJson: string, meta?: string) {
  return postText(
    url,
    rawCall(id, name, argumentsJson, meta ? { meta } : {}),
    modernHeaders('tools/call', name),
  );
}

async function health(url: string): Promise<{ inFlight: number; sessions: number }> {
  const response = await fetch(new URL('/healthz', url));
  const body = (await response.json()) as { inFlight: number; sessions: number };
  return { inFlight: body.inFlight, sessions: body.sessions };
}

/** Polls `/healthz` (bounded) until it shows `expected`, and asserts it does. */
async function expectHealth(url: string, expected: { inFlight: number; sessions: number }): Promise<void> {
  const deadline = Date.now() + 3000;
  let seen = await health(url);
  while (
    (seen.inFlight !== expected.inFlight || seen.sessions !== expected.sessions) &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await health(url);
  }
  expect(seen).toEqual(expected);
}

async function deleteSession(url: string, sessionId: string): Promise<number> {
  const response = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId } });
  return response.status;
}

async function expectServedBothEras(url: string, sessionId: string): Promise<void> {
  const legacy = await postText(
    url,
    sessionCall('ok-2025', 'echo', '{"message":"fine"}'),
    sessionHeaders(sessionId),
  );
  expect([legacy.status, legacy.message.result?.content?.[0]?.text]).toEqual([200, 'Echo: fine']);
  const modern = await modernCall(url, 'ok-2026', 'echo', '{"message":"fine"}');
  expect([modern.status, modern.message.result?.content?.[0]?.text]).toEqual([200, 'Echo: fine']);
}

describe('Streamable HTTP: hostile clients', () => {
  it('garbage, wrong versions, non-objects and null ids: 400 with -32700/-32600 in both eras', async () => {
    const { url } = await start();
    const cases = MALFORMED_MESSAGES;
    const sessionId = await openSession(url);
    for (const headers of [LEGACY_HEADERS, sessionHeaders(sessionId), modernHeaders('tools/list')]) {
      const replies = await Promise.all(cases.map(([body]) => postText(url, body, headers)));
      expect(replies.map((reply) => [reply.status, reply.message.error?.code, reply.message.id])).toEqual(
        cases.map(([, code, id]) => [400, code, id]),
      );
    }
    await expectServedBothEras(url, sessionId);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
  });

  it('deep nesting (100,000 levels): the precise answer per case in both eras, and the server goes on', async () => {
    const { url } = await start();
    const sessionId = await openSession(url);
    const legacy = (id: number, name: string, args: string) =>
      postText(url, sessionCall(id, name, args), sessionHeaders(sessionId));
    const modern = (id: number, name: string, args: string) => modernCall(url, id, name, args);
    for (const send of [legacy, modern]) {
      const echo = await send(1, 'echo', `{"message":${DEEP_ARRAYS}}`);
      expect([echo.status, echo.message.result?.isError, echo.message.result?.content?.[0]?.text]).toEqual([
        200,
        true,
        'Invalid arguments for tool echo: message: must be string',
      ]);
      const tree = await send(2, 'tree', `{"tree":${DEEP_ARRAYS}}`);
      expect([tree.status, tree.message.error]).toEqual([
        200,
        {
          code: ErrorCode.InvalidParams,
          message: 'params.arguments nests too deeply to be processed (over 256 levels)',
        },
      ]);
      // A result that cannot be serialised: HTTP answers 500 (see src/transports/http/bad-input.test.ts).
      expect((await send(3, 'mirror', `{"deep":${DEEP_OBJECTS}}`)).status).toBe(500);
    }
    const deepMeta = `{${JSON.stringify(BARE_MODERN_META).slice(1, -1)},"deep":${DEEP_ARRAYS}}`;
    const listed = await postText(
      url,
      `{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":${deepMeta},"x":${DEEP_OBJECTS}}}`,
      modernHeaders('tools/list'),
    );
    expect([listed.status, (listed.message.result?.tools as unknown[] | undefined)?.length]).toEqual([
      200, 7,
    ]);
    for (const headers of [sessionHeaders(sessionId), modernHeaders('tools/list')]) {
      const deepBody = await postText(url, DEEP_OBJECTS, headers);
      expect([deepBody.status, deepBody.message.error?.code]).toEqual([400, ErrorCode.InvalidRequest]);
    }
    await expectServedBothEras(url, sessionId);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
  });

  it('prototype-pollution keys in params, arguments, _meta and capabilities pollute nothing', async () => {
    const { url } = await start();
    const pollutedCall = rawCall(1, 'echo', `{"message":"hi",${POLLUTING_MEMBERS}}`, {
      meta: POLLUTING_META,
      extraParams: POLLUTING_MEMBERS,
    });
    const first = await postText(url, pollutedCall, modernHeaders('tools/call', 'echo'));
    expect([first.status, first.message.result?.content?.[0]?.text]).toEqual([200, 'Echo: hi']);
    const missing = await modernCall(url, 2, 'echo', `{${POLLUTING_MEMBERS}}`);
    expect([missing.message.result?.isError, missing.message.result?.content?.[0]?.text]).toEqual([
      true,
      'Invalid arguments for tool echo: message: is required',
    ]);
    const mirrored = await modernCall(url, 3, 'mirror', `{${POLLUTING_MEMBERS}}`);
    expect(JSON.stringify(mirrored.message.result?.structuredContent)).toBe(`{${POLLUTING_MEMBERS}}`);
    const protoCaps =
      '{"__proto__":{"elicitation":{"form":{}}},"constructor":{"prototype":{"elicitation":{}}}}';
    const meta = `{${JSON.stringify(BARE_MODERN_META).slice(1, -1)},"io.modelcontextprotocol/clientCapabilities":${protoCaps}}`;
    const asked = await modernCall(url, 4, 'asks', '{}', meta);
    expect([asked.status, asked.message.error?.code]).toEqual([
      400,
      ErrorCode.MissingRequiredClientCapability,
    ]);

    // 2025: initialize with the keys in capabilities, clientInfo and params.
    const init = await postText(
      url,
      `{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":${protoCaps},"clientInfo":{"name":"hostile","version":"1",${POLLUTING_MEMBERS}},${POLLUTING_MEMBERS}}}`,
      LEGACY_HEADERS,
    );
    expect([init.status, init.message.result?.protocolVersion]).toEqual([200, '2025-11-25']);
    const sessionId = String(init.headers['mcp-session-id']);
    await postText(url, '{"jsonrpc":"2.0","method":"notifications/initialized"}', sessionHeaders(sessionId));
    const legacyAsked = await postText(url, sessionCall(6, 'asks', '{}'), sessionHeaders(sessionId));
    expect([legacyAsked.status, legacyAsked.message.error?.code]).toEqual([
      200,
      ErrorCode.MissingRequiredClientCapability,
    ]);

    const probe = await modernCall(url, 7, 'probe', '{}');
    expect((JSON.parse(probe.message.result?.content?.[0]?.text ?? '{}') as Probe).changes).toEqual([]);
    expect(prototypeChanges()).toEqual([]);
    await expectServedBothEras(url, sessionId);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
  });

  it('a duplicate in-flight id in a 2025 session gets -32600 and the first is answered; 2026 requests share no ids', async () => {
    const { url } = await start();
    const sessionId = await openSession(url);
    const first = postText(url, sessionCall(7, 'slow', '{"ms":300}'), sessionHeaders(sessionId));
    // Sent once the first is surely running: /healthz counts it.
    await expectHealth(url, { inFlight: 1, sessions: 1 });
    const duplicate = await postText(
      url,
      sessionCall(7, 'echo', '{"message":"twin"}'),
      sessionHeaders(sessionId),
    );
    expect([duplicate.status, duplicate.message]).toEqual([
      200,
      {
        jsonrpc: '2.0',
        id: 7,
        error: { code: ErrorCode.InvalidRequest, message: 'Request id 7 is already in flight' },
      },
    ]);
    const answered = await first;
    expect([answered.status, answered.message.id, answered.message.result?.content?.[0]?.text]).toEqual([
      200,
      7,
      'slept',
    ]);
    // The id is free again once answered.
    const again = await postText(
      url,
      sessionCall(7, 'echo', '{"message":"again"}'),
      sessionHeaders(sessionId),
    );
    expect(again.message.result?.content?.[0]?.text).toBe('Echo: again');

    // 2026: every request stands alone, so the same id twice at once is two requests.
    const [one, two] = await Promise.all([
      modernCall(url, 8, 'slow', '{"ms":200}'),
      modernCall(url, 8, 'echo', '{"message":"twin"}'),
    ]);
    expect([one.message.id, one.message.result?.content?.[0]?.text]).toEqual([8, 'slept']);
    expect([two.message.id, two.message.result?.content?.[0]?.text]).toEqual([8, 'Echo: twin']);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
  });

  it('2025-03-26 batches: a member whose id is in flight, or repeated in the batch, gets -32600', async () => {
    const { url, stats } = await start();
    const init = await postText(
      url,
      JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-03-26',
          capabilities: {},
          clientInfo: { name: 'batch', version: '1' },
        },
      }),
      LEGACY_HEADERS,
    );
    const headers = {
      ...sessionHeaders(String(init.headers['mcp-session-id'])),
      'mcp-protocol-version': '2025-03-26',
    };
    await postText(url, '{"jsonrpc":"2.0","method":"notifications/initialized"}', headers);
    const first = postText(url, sessionCall(7, 'slow', '{"ms":300}'), headers);
    await expectHealth(url, { inFlight: 1, sessions: 1 });
    const batch = await postText(
      url,
      `[${sessionCall(7, 'echo', '{"message":"twin"}')},${sessionCall(9, 'slow', '{"ms":100}')},${sessionCall(9, 'echo', '{"message":"twin"}')}]`,
      headers,
    );
    expect(batch.status).toBe(200);
    const answers = JSON.parse(batch.text) as Reply['message'][];
    const duplicate = { code: ErrorCode.InvalidRequest, message: 'Request id 7 is already in flight' };
    expect(answers.filter((answer) => answer.id === 7).map((answer) => answer.error)).toEqual([duplicate]);
    // Of the two 9s, the first runs and the second is refused.
    expect(answers.filter((answer) => answer.id === 9).map((answer) => answer.error?.code ?? 'ran')).toEqual([
      'ran',
      ErrorCode.InvalidRequest,
    ]);
    expect((await first).message.result?.content?.[0]?.text).toBe('slept');
    expect(stats.started).toBe(2);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
  });

  it('responses to requests the server never sent: 202 and ignored in a session; 400/-32600 in 2026', async () => {
    const { url } = await start();
    const sessionId = await openSession(url);
    const unsolicited = [
      { jsonrpc: '2.0', id: 1, result: { action: 'accept', content: { name: 'forged' } } },
      { jsonrpc: '2.0', id: 'ghost', error: { code: -32000, message: 'nobody asked' } },
      { jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError, message: 'unprompted' } },
    ];
    for (const message of unsolicited) {
      const accepted = await postText(url, JSON.stringify(message), sessionHeaders(sessionId));
      expect([accepted.status, accepted.text]).toEqual([202, '']);
      const refused = await postText(url, JSON.stringify(message), modernHeaders('tools/list'));
      expect([refused.status, refused.message.error?.code]).toEqual([400, ErrorCode.InvalidRequest]);
    }
    await expectServedBothEras(url, sessionId);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
  });

  it('2026: a client gone mid-stream or mid-request cancels its request; counters return to 0', async () => {
    const { url, stats } = await start();
    const meta = JSON.stringify({ ...BARE_MODERN_META, 'io.modelcontextprotocol/logLevel': 'info' });
    // Mid-stream: the log opened an SSE response; the client reads its first bytes and goes.
    const firstBytes = await new Promise<string>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: modernHeaders('tools/call', 'slow'),
        agent: false,
      });
      req.on('response', (res) => {
        res.setEncoding('utf8').once('data', (chunk: string) => {
          res.destroy();
          resolve(chunk);
        });
      });
      req.on('error', reject);
      req.end(rawCall(1, 'slow', '{"announce":true}', { meta }));
    });
    expect(firstBytes).toMatch(/^(id|event|data|retry|:)/m);
    await waitUntil(() => stats.aborted === 1, 3000);
    await expectHealth(url, { inFlight: 0, sessions: 0 });

    // Mid-request: the whole request sent, no byte of the answer yet, then the socket closes.
    const { socket } = rawHttp(url);
    const body = rawCall(2, 'slow', '{}');
    socket.write(
      requestHead('POST', url, [
        ...Object.entries(modernHeaders('tools/call', 'slow')).map(([name, value]) => `${name}: ${value}`),
        `content-length: ${Buffer.byteLength(body)}`,
      ]) + body,
    );
    await waitUntil(() => stats.started === 2, 3000);
    socket.destroy();
    await waitUntil(() => stats.aborted === 2, 3000);
    await expectHealth(url, { inFlight: 0, sessions: 0 });
    const after = await modernCall(url, 3, 'echo', '{"message":"next"}');
    expect(after.message.result?.content?.[0]?.text).toBe('Echo: next');
  });

  it('2025: a client gone mid-stream leaves its session (resumable); cancelling and DELETE leave nothing behind', async () => {
    const { url, stats } = await start();
    const sessionId = await openSession(url);
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: sessionHeaders(sessionId), agent: false });
      req.on('response', (res) => {
        res.once('data', () => {
          res.destroy();
          resolve();
        });
      });
      req.on('error', reject);
      req.end(sessionCall('long', 'slow', '{"announce":true}'));
    });
    // Documented 2025 behaviour: a closed stream does not cancel (the result stays resumable).
    await expectHealth(url, { inFlight: 1, sessions: 1 });
    const cancelled = await postText(
      url,
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'long' } }),
      sessionHeaders(sessionId),
    );
    expect(cancelled.status).toBe(202);
    await waitUntil(() => stats.aborted === 1, 3000);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
    await expectServedBothEras(url, sessionId);
    expect(await deleteSession(url, sessionId)).toBe(200);
    await expectHealth(url, { inFlight: 0, sessions: 0 });
  });

  it('a body cut off mid-way (the client gone): no request runs, no session opens, the next is served', async () => {
    const { url, stats } = await start();
    const sessionId = await openSession(url);
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'gone', version: '1' } },
    });
    const heads = [
      // Content-Length promises more than arrives.
      [`content-length: ${initialize.length * 2}`],
      // Chunked: a chunk announced, half of it sent, never a last chunk.
      ['transfer-encoding: chunked'],
    ];
    for (const extra of heads) {
      for (const headers of [LEGACY_HEADERS, sessionHeaders(sessionId)]) {
        const { socket, reply } = rawHttp(url);
        const half = initialize.slice(0, initialize.length / 2);
        const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
        const chunked = extra[0]?.startsWith('transfer-encoding');
        socket.write(requestHead('POST', url, [...lines, ...extra]));
        socket.write(chunked ? `${initialize.length.toString(16)}\r\n${half}` : half);
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.destroy();
        expect((await reply()).status).toBe(0);
      }
    }
    expect(stats.started).toBe(0);
    await expectHealth(url, { inFlight: 0, sessions: 1 });
    await expectServedBothEras(url, sessionId);
  });
});
