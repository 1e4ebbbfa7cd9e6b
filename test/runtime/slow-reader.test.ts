import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import { callTool, openSession, resultText, ServerPool, sessionRequest } from './http-helpers.js';

// A real GC between measurements, so heap numbers show what is retained, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const pool = new ServerPool();
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await pool.stopAll();
});

const MAX_SSE_BUFFER = 64 * 1024;
const BIG_URI = `big://${'x'.repeat(16 * 1024)}`;
const ROUNDS = 200;
const PER_ROUND = 10;

function retainedBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** A GET stream on a raw socket that reads the response head and priming event, then never reads again. */
async function openStalledStream(url: URL, sessionId: string): Promise<Socket> {
  const socket = connect(Number(url.port), '127.0.0.1');
  sockets.push(socket);
  socket.write(
    `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n` +
      `Mcp-Session-Id: ${sessionId}\r\nMcp-Protocol-Version: 2025-11-25\r\n\r\n`,
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n') && head.includes('retry:')) {
        socket.off('data', onData);
        // Stop reading: once its small buffer fills Node stops reading the kernel socket, whose
        // receive window then fills, and the server's writes start to queue up in its process.
        socket.pause();
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  expect(head.startsWith('HTTP/1.1 200')).toBe(true);
  return socket;
}

/** A GET stream read as it comes; counts `resources/updated` events per URI. */
function openReadingStream(url: string, sessionId: string) {
  const seen = { ticks: 0, bytes: 0, ended: false, status: 0 };
  const req = request(url, {
    headers: {
      accept: 'text/event-stream',
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    },
  });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      seen.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string) => {
        seen.bytes += chunk.length;
        pending += chunk;
        const events = pending.split('\n\n');
        pending = events.pop() ?? '';
        for (const event of events) if (event.includes('small://tick')) seen.ticks++;
      });
      res.on('end', () => {
        seen.ended = true;
      });
      resolve();
    });
    req.on('error', reject);
  });
  req.end();
  return { seen, ready, close: () => req.destroy() };
}

describe('a slow SSE reader', () => {
  it('is cut off above maxSseBufferBytes; memory stays bounded and other sessions are unaffected', async () => {
    const { url, mcp } = await pool.start(
      (server) => {
        server.tool('echo', { handler: () => 'echo' });
      },
      {},
      { maxSseBufferBytes: MAX_SSE_BUFFER },
    );
    const target = new URL(url);
    const slow = await openSession(url);
    const healthy = await openSession(url);
    expect((await sessionRequest(url, slow, 'resources/subscribe', { uri: BIG_URI })).status).toBe(200);
    expect((await sessionRequest(url, healthy, 'resources/subscribe', { uri: 'small://tick' })).status).toBe(
      200,
    );

    await openStalledStream(target, slow);
    const reader = openReadingStream(url, healthy);
    await reader.ready;
    expect(reader.seen.status).toBe(200);
    // While the slow stream is attached, the session cannot open a second GET stream.
    const conflict = openReadingStream(url, slow);
    await conflict.ready;
    expect(conflict.seen.status).toBe(409);
    conflict.close();

    const before = retainedBytes();
    // 2,000 notifications of ~16 KiB (~32 MiB) to the stalled reader, in rounds across turns of the
    // loop like a real producer, interleaved with small ones for the healthy session.
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < PER_ROUND; i++) mcp.resourceUpdated(BIG_URI);
      mcp.resourceUpdated('small://tick');
      await nextTurn();
    }
    const sentBytes = ROUNDS * PER_ROUND * BIG_URI.length;
    const grown = retainedBytes() - before;

    // Far less than was sent is retained: the writes stopped queueing once the reader was cut off
    // (MAX_SSE_BUFFER + one event; the event store keeps at most 1000 small records sharing one URI).
    expect(sentBytes).toBeGreaterThan(30 * 1024 * 1024);
    expect(grown).toBeLessThan(8 * 1024 * 1024);

    // The server let go of the stalled stream: the session may open a GET stream again.
    const reopened = openReadingStream(url, slow);
    await reopened.ready;
    expect(reopened.seen.status).toBe(200);
    reopened.close();

    // The healthy session received every one of its events, its stream is still open, and it is served.
    await waitUntil(() => reader.seen.ticks === ROUNDS, 5_000);
    expect(reader.seen.ended).toBe(false);
    expect(resultText(await callTool(url, healthy, 'echo'))).toBe('echo');
    expect(resultText(await callTool(url, slow, 'echo'))).toBe('echo');
    expect(mcp.core.supervisor.sessions).toBe(2);
    reader.close();
  });
});
