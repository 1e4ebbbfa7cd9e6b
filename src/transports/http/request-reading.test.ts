import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODERN_HEADERS, modernToolCall } from '../../../test/support/cli-process.js';
import { type HttpServerHandle, serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';

// Regression tests for how bodies are read: an oversized body is not read past the limit, a slow one
// meets a deadline, and invalid UTF-8 is a parse error (as on every other transport).

const LIMIT = 1024;
let http: HttpServerHandle;
let port: number;
/** Bytes the server read per connection, keyed by the client's local port. */
const bytesRead = new Map<number, number>();

beforeAll(async () => {
  const server = new McpServer({ name: 'request-reading', version: '1', onDiagnostic: () => {} });
  server.tool('echo', { handler: () => 'ok' });
  server.tool('double', {
    inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    handler: ({ n }) => String((n as number) * 2),
  });
  server.tool('unbounded', {
    outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    handler: () => ({ content: [], structuredContent: { n: Number.POSITIVE_INFINITY } }),
  });
  http = await serveHttp(server, { port: 0, maxBodyBytes: LIMIT, receiveTimeoutMs: 1_000 });
  port = Number(new URL(http.url).port);
  http.server.on('connection', (socket: Socket) => {
    const remotePort = socket.remotePort ?? 0;
    socket.once('close', () => bytesRead.set(remotePort, socket.bytesRead));
  });
});
afterAll(async () => {
  await http?.close();
});

const HEADERS =
  'Host: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n';

interface RawExchange {
  /** Everything the server sent. */
  text: string;
  /** When the server closed the connection, in ms since it was opened (undefined: still open). */
  closedAfterMs: number | undefined;
  /** Bytes this client wrote before the connection closed. */
  written: number;
  /** Bytes the server read on this connection. */
  serverRead: number | undefined;
}

/**
 * Opens a raw connection, writes `head`, then `chunk` every `everyMs` (at most `maxChunks` times or
 * until the server closes), and reports what came back.
 */
function rawExchange(
  head: string,
  options: { chunk?: Buffer; everyMs?: number; maxChunks?: number; waitMs: number },
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let written = 0;
    let closedAfterMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    let localPort = 0;
    socket.on('error', () => {});
    socket.on('data', (data) => {
      text += data.toString('latin1');
    });
    socket.on('connect', () => {
      localPort = socket.localPort ?? 0;
      socket.write(head);
      written += Buffer.byteLength(head);
      const { chunk, everyMs = 0, maxChunks = 0 } = options;
      if (!chunk) return;
      let sent = 0;
      const pump = () => {
        // Write as fast as the socket takes it (everyMs 0) or one chunk per tick of everyMs.
        while (!socket.destroyed && socket.writable && sent < maxChunks) {
          sent++;
          written += chunk.length;
          const more = socket.write(chunk);
          if (everyMs > 0) break;
          if (!more) {
            socket.once('drain', pump);
            return;
          }
        }
        if (everyMs > 0 && sent < maxChunks) timer = setTimeout(pump, everyMs);
      };
      pump();
    });
    socket.on('close', () => {
      closedAfterMs ??= Date.now() - started;
    });
    setTimeout(() => {
      clearTimeout(timer);
      socket.destroy();
      // The server records its byte count when its side closes; give it a moment.
      setTimeout(() => resolve({ text, closedAfterMs, written, serverRead: bytesRead.get(localPort) }), 50);
    }, options.waitMs);
  });
}

async function normalRequestSucceeds(): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
    body: modernToolCall(7, 'echo'),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ id: 7, result: { content: [{ text: 'ok' }] } });
}

describe('bodies over the limit', () => {
  it('refuses a declared Content-Length over the limit before reading it, and closes the connection', async () => {
    const exchange = await rawExchange(`POST /mcp HTTP/1.1\r\n${HEADERS}Content-Length: 1073741824\r\n\r\n`, {
      chunk: Buffer.alloc(64 * 1024, 0x20),
      maxChunks: 16 * 1024, // up to 1 GiB, as fast as the server takes it
      waitMs: 1_000,
    });
    expect(exchange.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.text.toLowerCase()).toContain('connection: close');
    expect(exchange.text).toContain('"code":-32600');
    expect(exchange.closedAfterMs).toBeDefined();
    // Before the fix the server read and discarded the whole gigabyte.
    expect(exchange.serverRead ?? Number.POSITIVE_INFINITY).toBeLessThan(8 * 1024 * 1024);
    await normalRequestSucceeds();
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const piece = Buffer.alloc(16 * 1024, 0x20);
    const chunk = Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
    const exchange = await rawExchange(`POST /mcp HTTP/1.1\r\n${HEADERS}Transfer-Encoding: chunked\r\n\r\n`, {
      chunk,
      maxChunks: 32 * 1024, // up to 512 MiB
      waitMs: 1_000,
    });
    expect(exchange.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.text.toLowerCase()).toContain('connection: close');
    expect(exchange.closedAfterMs).toBeDefined();
    expect(exchange.serverRead ?? Number.POSITIVE_INFINITY).toBeLessThan(8 * 1024 * 1024);
    await normalRequestSucceeds();
  });
});

describe('slow bodies', () => {
  it('answers 408 and closes the connection when the request takes longer than receiveTimeoutMs', async () => {
    const exchange = await rawExchange(`POST /mcp HTTP/1.1\r\n${HEADERS}Content-Length: 200\r\n\r\n{`, {
      chunk: Buffer.from(' '),
      everyMs: 100,
      maxChunks: 100,
      waitMs: 3_000,
    });
    expect(exchange.text).toMatch(/^HTTP\/1\.1 408 /);
    // receiveTimeoutMs is 1 s here; Node sweeps for late requests every 250 ms.
    expect(exchange.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(exchange.closedAfterMs).toBeLessThan(2_500);
    await normalRequestSucceeds();
  });

  it('uses a default of at most 30 s', async () => {
    const { receiveTimeouts } = await import('../receive-timeouts.js');
    const defaults = receiveTimeouts({});
    expect(defaults.requestTimeout).toBeGreaterThan(0);
    expect(defaults.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(defaults.headersTimeout).toBeLessThanOrEqual(defaults.requestTimeout);
  });
});

describe('invalid UTF-8', () => {
  it('answers -32700 for a body with bytes that are not UTF-8, as stdio does', async () => {
    const body = Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}}'),
    ]);
    const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      id: null,
      error: { code: -32700, message: 'Parse error: body is not valid UTF-8' },
    });
    await normalRequestSucceeds();
  });

  it('refuses it on the 2024-11-05 messages endpoint too', async () => {
    const stream = await fetch(`http://127.0.0.1:${port}/sse`, { headers: { accept: 'text/event-stream' } });
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const endpoint = /data: (.*)/.exec(first)?.[1];
    expect(endpoint).toMatch(/^\/messages\?sessionId=/);
    const response = await fetch(`http://127.0.0.1:${port}${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Valid JSON once U+FFFD is substituted for 0xFF: only a strict decoder refuses it.
      body: Buffer.concat([
        Buffer.from('{"jsonrpc":"2.0","method":"x","params":{"a":"'),
        Buffer.from([0xff]),
        Buffer.from('"}}'),
      ]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
    await reader.cancel();
  });
});

describe('Content-Type', () => {
  it('refuses a body that is not declared JSON on the 2024-11-05 messages endpoint with 415, as on /mcp', async () => {
    const stream = await fetch(`http://127.0.0.1:${port}/sse`, { headers: { accept: 'text/event-stream' } });
    const reader = stream.body!.getReader();
    const endpoint = /data: (.*)/.exec(new TextDecoder().decode((await reader.read()).value))?.[1];
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    for (const type of ['text/plain', 'application/jsonp']) {
      const response = await fetch(`http://127.0.0.1:${port}${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: ping,
      });
      expect(
        [response.status, ((await response.json()) as { error: { code: number } }).error.code],
        type,
      ).toEqual([415, -32600]);
    }
    const json = await fetch(`http://127.0.0.1:${port}${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: ping,
    });
    expect(json.status).toBe(202);
    await json.body?.cancel();
    await reader.cancel();
  });
});

interface ToolAnswer {
  result?: { isError?: boolean; content: { text: string }[] };
  error?: { code: number; message: string };
}

describe('numbers JSON cannot hold', () => {
  const call = (name: string, args: string) =>
    fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': name },
      // Written by hand: JSON.stringify cannot produce 1e400.
      body: modernToolCall(9, name, {}).replace('"arguments":{}', `"arguments":${args}`),
    }).then((response) => response.json() as Promise<ToolAnswer>);

  it('refuses 1e400 (Infinity once parsed) as a number argument', async () => {
    const answer = await call('double', '{"n":1e400}');
    expect(answer.result?.isError).toBe(true);
    expect(answer.result?.content[0]?.text).toMatch(/n: must be a finite number/);
    expect((await call('double', '{"n":1e300}')).result?.content[0]?.text).toBe('2e+300');
  });

  it('checks structuredContent as it will be written (Infinity would go out as null)', async () => {
    const answer = await call('unbounded', '{}');
    expect(answer.error?.code ?? answer.result?.isError).toBeTruthy();
    expect(JSON.stringify(answer)).toMatch(/does not match its outputSchema: n: /);
  });
});
