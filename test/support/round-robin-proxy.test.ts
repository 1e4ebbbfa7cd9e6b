import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';
import { waitUntil } from './wait.js';

/** A tiny backend answering its index; /sse streams events, /echo hashes the body, /init opens a session. */
interface Backend {
  url: string;
  bytesReceived: number;
  sseEnded: boolean;
  sseClosedByPeer: boolean;
  close(): Promise<void>;
}

async function startBackend(index: number): Promise<Backend> {
  const backend = { bytesReceived: 0, sseEnded: false, sseClosedByPeer: false } as Backend;
  const server: Server = createServer((req, res) => {
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`data: ${sent++}\n\n`);
        if (sent === 10 && req.headers['x-endless'] === undefined) {
          clearInterval(timer);
          backend.sseEnded = true;
          res.end();
        }
      }, 50);
      res.once('close', () => {
        clearInterval(timer);
        if (!res.writableFinished) backend.sseClosedByPeer = true;
      });
      return;
    }
    if (req.url === '/die') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: last words\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
      backend.bytesReceived += chunk.length;
    });
    req.once('end', () => {
      const headers: Record<string, string> = {};
      if (req.url === '/init') headers['mcp-session-id'] = 'opened-by-init';
      res.writeHead(200, headers);
      const session = req.headers['mcp-session-id'] ?? '-';
      res.end(`${index} ${req.method} ${req.url} ${session} ${length} ${hash.digest('hex')}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  backend.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return backend;
}

/** A URL nothing listens on (a port that was just free). */
async function refusingUrl(): Promise<string> {
  const backend = await startBackend(-1);
  await backend.close();
  return backend.url;
}

interface Answer {
  status: number;
  body: string;
  res: IncomingMessage;
}

function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), res }),
      );
      res.once('error', reject);
    });
    req.end(init.body);
  });
}

/** Which backend answered: the first word of its body. */
async function backendOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  return Number((await send(url, { headers })).body.split(' ')[0]);
}

describe('round-robin proxy', () => {
  let backends: Backend[];
  let proxy: RoundRobinProxy;
  beforeEach(async () => {
    backends = await Promise.all([0, 1, 2].map(startBackend));
    proxy = await startRoundRobinProxy(backends.map((backend) => backend.url));
  });
  afterEach(async () => {
    await proxy.close();
    await proxy.close();
    await Promise.all(backends.map((backend) => backend.close()));
  });

  it('sends requests round robin and keeps the path', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push((await send(`${proxy.url}/mcp?n=${i}`)).body);
    expect(answers.map((body) => body.split(' ').slice(0, 3).join(' '))).toEqual([
      '0 GET /mcp?n=0',
      '1 GET /mcp?n=1',
      '2 GET /mcp?n=2',
      '0 GET /mcp?n=3',
      '1 GET /mcp?n=4',
      '2 GET /mcp?n=5',
    ]);
    expect(proxy.log.map((entry) => [entry.backend, entry.method, entry.path, entry.status])).toEqual(
      answers.map((_, i) => [i % 3, 'GET', `/mcp?n=${i}`, 200]),
    );
  });

  it('sends each request of a session to another backend than the one before', async () => {
    expect(await backendOf(`${proxy.url}/init`)).toBe(0);
    const session = { 'mcp-session-id': 'opened-by-init' };
    const seen: number[] = [0];
    for (let i = 0; i < 10; i++) {
      seen.push(await backendOf(`${proxy.url}/mcp`, session));
      // Two requests of no session in between: plain round robin would hand the session one backend.
      await send(`${proxy.url}/mcp`);
      await send(`${proxy.url}/mcp`);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
    const logged = proxy.log
      .filter((entry) => entry.sessionId === 'opened-by-init')
      .map((entry) => entry.backend);
    expect(logged).toEqual(seen);
  });

  it('rotates concurrent requests of a session too, in arrival order', async () => {
    const session = { 'mcp-session-id': 'concurrent' };
    await Promise.all(Array.from({ length: 7 }, () => send(`${proxy.url}/mcp`, { headers: session })));
    const served = proxy.log
      .filter((entry) => entry.sessionId === 'concurrent')
      .map((entry) => entry.backend);
    expect(served).toHaveLength(7);
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
  });

  it('leaves session requests to plain round robin with rotateSessions: false', async () => {
    const plain = await startRoundRobinProxy(
      backends.map((backend) => backend.url),
      { rotateSessions: false },
    );
    try {
      const seen: number[] = [];
      for (let i = 0; i < 4; i++) {
        seen.push(await backendOf(`${plain.url}/mcp`, { 'mcp-session-id': 's' }));
        await send(`${plain.url}/mcp`);
        await send(`${plain.url}/mcp`);
      }
      expect(seen).toEqual([0, 0, 0, 0]);
    } finally {
      await plain.close();
    }
  });

  it('streams SSE events as they arrive, before the backend ends the stream', async () => {
    const arrivals: { text: string; backendEnded: boolean }[] = [];
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request(`${proxy.url}/sse`, { agent: false }).once('response', resolve).once('error', reject).end();
    });
    expect(res.headers['content-type']).toBe('text/event-stream');
    res
      .setEncoding('utf8')
      .on('data', (text: string) => arrivals.push({ text, backendEnded: backends[0]!.sseEnded }));
    await new Promise((resolve) => res.once('end', resolve));
    expect(arrivals[0]?.backendEnded).toBe(false);
    expect(arrivals.length).toBeGreaterThan(1);
    expect(arrivals.map((arrival) => arrival.text).join('')).toBe(
      Array.from({ length: 10 }, (_, i) => `data: ${i}\n\n`).join(''),
    );
  });

  it('closes the upstream stream when the client goes away', async () => {
    const req = request(`${proxy.url}/sse`, { agent: false, headers: { 'x-endless': '1' } });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve).once('error', reject).end();
    });
    await new Promise((resolve) => res.once('data', resolve));
    req.destroy();
    await waitUntil(() => backends[0]!.sseClosedByPeer, 3000);
  });

  it('breaks the client response when the backend dies mid-response', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request(`${proxy.url}/die`, { agent: false }).once('response', resolve).once('error', reject).end();
    });
    let text = '';
    res.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    const outcome = await new Promise<string>((resolve) => {
      res.once('end', () => resolve('end'));
      res.once('error', (error) => resolve(error.message));
    });
    expect(text).toBe('data: last words\n\n');
    expect(outcome).toBe('aborted');
    expect(res.complete).toBe(false);
  });

  it('skips a backend that refuses connections, and answers 502 when every one does', async () => {
    await backends[1]!.close();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) seen.push(await backendOf(`${proxy.url}/mcp`));
    expect(seen).not.toContain(1);
    expect(new Set(seen)).toEqual(new Set([0, 2]));
    expect(proxy.log.filter((entry) => entry.refused.includes(1)).length).toBeGreaterThan(0);

    await Promise.all([backends[0]!.close(), backends[2]!.close()]);
    const answer = await send(`${proxy.url}/mcp`);
    expect(answer.status).toBe(502);
    expect(proxy.log.at(-1)).toMatchObject({ backend: -1, status: 502, refused: [0, 1, 2] });
  });

  it('delivers POST bodies intact, also when retried on the next backend', async () => {
    const body = randomBytes(1024 * 1024 + 7);
    const digest = createHash('sha256').update(body).digest('hex');
    const direct = await send(`${proxy.url}/mcp`, { method: 'POST', body });
    expect(direct.body).toBe(`0 POST /mcp - ${body.length} ${digest}`);

    // Round robin is at index 1 now: the refusing URL, so the body has to be replayed on index 0.
    proxy.setBackends([backends[2]!.url, await refusingUrl()]);
    const retried = await send(`${proxy.url}/mcp`, {
      method: 'POST',
      body,
      headers: { 'mcp-session-id': 's' },
    });
    expect(retried.body).toBe(`2 POST /mcp s ${body.length} ${digest}`);
    expect(proxy.log.at(-1)).toMatchObject({ backend: 0, refused: [1], sessionId: 's', status: 200 });
  });

  it('streams a request body to the backend before the client has finished it', async () => {
    const req = request(`${proxy.url}/mcp`, { method: 'POST', agent: false });
    const answer = new Promise<string>((resolve, reject) => {
      req.once('error', reject).once('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.once('end', () => resolve(text));
      });
    });
    req.flushHeaders();
    req.write('first part ');
    await waitUntil(() => backends[0]!.bytesReceived === 11, 3000);
    req.end('second part');
    expect((await answer).split(' ').slice(0, 4)).toEqual(['0', 'POST', '/mcp', '-']);
    expect(backends[0]!.bytesReceived).toBe(22);
  });
});
