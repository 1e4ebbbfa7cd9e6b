/**
 * `erlmcp:transport:bytes` counts what each server transport really read and wrote: a raw peer
 * sends known bytes and reads the answer, and the published totals must equal both, exactly.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BytesEvent } from '../../src/core/diagnostics.js';
import { serveHttp } from '../../src/exports/http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { StdioServerTransport } from '../../src/transports/stdio/index.js';
import { serveTcp } from '../../src/transports/tcp/index.js';
import { serveWebSocket } from '../../src/transports/websocket/index.js';
import { BARE_MODERN_META } from '../support/server-harness.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

// Non-ASCII on purpose: bytes, not characters, are counted.
const REQUEST = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { message: 'héllo wörld ✓' }, _meta: BARE_MODERN_META },
});

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'bytes', version: '1.0.0', onDiagnostic: () => {} });
  server.tool('echo', { handler: ({ message }) => `Echo: ${String(message)}` });
  return server;
}

/** Totals per `transport:direction` while the test runs. */
function recordBytes(): Map<string, number> {
  const totals = new Map<string, number>();
  const listener = (message: unknown) => {
    const event = message as BytesEvent;
    const key = `${event.transport}:${event.direction}`;
    totals.set(key, (totals.get(key) ?? 0) + event.bytes);
  };
  diagnostics_channel.subscribe('erlmcp:transport:bytes', listener);
  closers.push(() => void diagnostics_channel.unsubscribe('erlmcp:transport:bytes', listener));
  return totals;
}

/** Reads until one whole line arrived; returns everything read. */
function readLine(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunk.includes(10)) {
        stream.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

describe('byte counts on erlmcp:transport:bytes', () => {
  it('counts TCP ndjson lines in and out exactly', async () => {
    const totals = recordBytes();
    const handle = await serveTcp(mcpServer(), { port: 0 });
    closers.push(() => handle.destroy());
    const url = new URL(handle.url);
    const socket = connect(Number(url.port), url.hostname);
    closers.push(() => void socket.destroy());
    const answer = readLine(socket);
    socket.write(`${REQUEST}\n`);
    const received = await answer;
    expect(received.toString('utf8')).toContain('Echo: héllo wörld ✓');
    expect(totals.get('tcp:in')).toBe(Buffer.byteLength(`${REQUEST}\n`));
    expect(totals.get('tcp:out')).toBe(received.length);
  });

  it('counts WebSocket text frames in and out exactly', async () => {
    const totals = recordBytes();
    const handle = await serveWebSocket(mcpServer(), { port: 0 });
    closers.push(() => handle.destroy());
    const ws = new WebSocket(handle.url, 'mcp');
    closers.push(() => ws.terminate());
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answer = new Promise<Buffer>((resolve) => ws.once('message', (data) => resolve(data as Buffer)));
    ws.send(REQUEST);
    const received = await answer;
    expect(received.toString('utf8')).toContain('Echo: héllo wörld ✓');
    expect(totals.get('ws:in')).toBe(Buffer.byteLength(REQUEST));
    expect(totals.get('ws:out')).toBe(received.length);
  });

  it('counts stdio lines in and out exactly', async () => {
    const totals = recordBytes();
    const input = new PassThrough();
    const output = new PassThrough();
    const server = mcpServer();
    await server.connect(new StdioServerTransport({ input, output }));
    closers.push(() => server.close());
    const answer = readLine(output);
    input.write(`${REQUEST}\n`);
    const received = await answer;
    expect(received.toString('utf8')).toContain('Echo: héllo wörld ✓');
    expect(totals.get('stdio:in')).toBe(Buffer.byteLength(`${REQUEST}\n`));
    expect(totals.get('stdio:out')).toBe(received.length);
  });
});

/** A 2025 session on an erlmcp server that answers every request as an SSE stream. */
async function sseSession() {
  const handle = await serveHttp(mcpServer(), { port: 0, responseMode: 'sse', metrics: false });
  closers.push(() => handle.destroy());
  const send = (method: string, headers: Record<string, string>, body?: string) =>
    fetch(handle.url, {
      method,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
    });
  const init = await send(
    'POST',
    {},
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  );
  await init.arrayBuffer();
  const session = {
    'mcp-session-id': init.headers.get('mcp-session-id') ?? '',
    'mcp-protocol-version': '2025-11-25',
  };
  return { send, session };
}

const ECHO_CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { message: 'héllo ✓' } },
});

describe('SSE responses', () => {
  it('counts every byte of a 2025 POST answered as an SSE stream', async () => {
    const { send, session } = await sseSession();
    const totals = recordBytes();
    const response = await send('POST', session, ECHO_CALL);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.toString('utf8')).toContain('Echo: héllo ✓');
    expect(totals.get('http:in')).toBe(Buffer.byteLength(ECHO_CALL));
    expect(totals.get('http:out')).toBe(body.length);
  });

  it('lets a client resume a response stream from its priming event (Last-Event-ID)', async () => {
    const { send, session } = await sseSession();
    const first = await (await send('POST', session, ECHO_CALL)).text();
    const priming = /^id: (\S+)$/m.exec(first)?.[1];
    expect(priming).toMatch(/\.0$/);
    const resumed = await send('GET', { ...session, accept: 'text/event-stream', 'last-event-id': priming! });
    expect(resumed.status).toBe(200);
    const replay = await resumed.text();
    expect(replay).toContain('Echo: héllo ✓');
    expect(replay).not.toContain(`id: ${priming}\n`);
  });
});
