/**
 * Header floods against the HTTP servers erlmcp starts (Streamable HTTP, and the WebSocket upgrade,
 * which is an HTTP request too): Node refuses them with 431 before erlmcp sees anything, closes that
 * connection, and the next client is served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '../../src/server/mcp-server.js';
import {
  serveWebSocket,
  type WebSocketServerHandle,
} from '../../src/transports/websocket/serve-websocket.js';
import { modernCallTool, openSession, resultText, ServerPool } from '../runtime/http-helpers.js';
import { waitUntil } from '../support/wait.js';
import { registerHostileTools } from './hostile-tools.mjs';
import { rawHttp, requestHead } from './raw-http.js';
import { WsPeer } from './raw-peers.js';

const pool = new ServerPool();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await pool.stopAll();
  for (const close of closers.splice(0)) await close();
});

/** 5,000 headers of a few bytes each: far past Node's 16 KiB header limit, none of them large. */
const MANY_HEADERS = Array.from({ length: 5000 }, (_, index) => `x-flood-${index}: 1`);
/** One header of 64 KiB. */
const ONE_HUGE_HEADER = [`cookie: session=${'a'.repeat(64 * 1024)}`];

async function flood(url: string, method: string, headerLines: string[]) {
  const { socket, reply } = rawHttp(url);
  socket.write(requestHead(method, url, [...headerLines, 'content-length: 0']));
  return reply();
}

describe('header floods get 431 and the connection closed; the next client is served', () => {
  it('Streamable HTTP: thousands of headers, then one huge header', async () => {
    const { url } = await pool.start((server) => registerHostileTools(server));
    for (const headerLines of [MANY_HEADERS, ONE_HUGE_HEADER]) {
      const refused = await flood(url, 'POST', headerLines);
      expect(refused.status).toBe(431);
      expect(refused.text).toMatch(/\r\nconnection: close\r\n/i);
      // A new connection right after: both eras are served.
      expect(await openSession(url)).toMatch(/\S/);
      const call = await modernCallTool(url, 'echo', { message: 'after the flood' });
      expect([call.status, resultText(call)]).toEqual([200, 'Echo: after the flood']);
    }
  });

  it('WebSocket upgrade: thousands of headers, then one huge header', async () => {
    const mcp = new McpServer({ name: 'hostile', version: '1.0.0', onDiagnostic: () => {} });
    registerHostileTools(mcp);
    const handle: WebSocketServerHandle = await serveWebSocket(mcp, { port: 0 });
    closers.push(() => handle.destroy());
    const upgrade = ['connection: Upgrade', 'upgrade: websocket', 'sec-websocket-version: 13'];
    for (const headerLines of [MANY_HEADERS, ONE_HUGE_HEADER]) {
      const refused = await flood(handle.url.replace('ws:', 'http:'), 'GET', [
        ...upgrade,
        'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==',
        ...headerLines,
      ]);
      expect(refused.status).toBe(431);
      expect(handle.connectionCount).toBe(0); // the refused upgrade never became a connection
      const peer = new WsPeer(handle.url);
      closers.push(() => peer.close());
      await peer.connected;
      peer.call(1, 'echo', { message: 'after the flood' });
      expect((await peer.reply(1)).result?.content?.[0]?.text).toBe('Echo: after the flood');
      await peer.close();
      await waitUntil(() => handle.connectionCount === 0, 3000);
    }
  });
});
