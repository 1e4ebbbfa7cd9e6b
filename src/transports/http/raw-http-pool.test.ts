import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpPool } from './raw-http-pool.js';

let server: Server | undefined;
let pool: RawHttpPool | undefined;

afterEach(async () => {
  pool?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp?x=1`);
}

describe('RawHttpPool', () => {
  it('sends method, path, headers and body; reads a Content-Length answer; reuses the socket', async () => {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['x-test']} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json', 'x-reply': 'yes' }).end('{"ok":true}');
      });
    });
    pool = new RawHttpPool(url);
    for (let i = 0; i < 3; i++) {
      const answer = await pool.request({ method: 'POST', headers: { 'x-test': `t${i}` }, body: `é${i}` });
      expect(answer.status).toBe(200);
      expect(answer.ok).toBe(true);
      expect(answer.headers.get('X-Reply')).toBe('yes');
      expect(await answer.text()).toBe('{"ok":true}');
    }
    expect(seen).toEqual(['POST /mcp?x=1 t0 é0', 'POST /mcp?x=1 t1 é1', 'POST /mcp?x=1 t2 é2']);
    expect(sockets.size).toBe(1);
  });

  it('streams a chunked answer (SSE) chunk by chunk, and reads 204 and 202 without a body', async () => {
    const url = await serve((req, res) => {
      if (req.headers['x-kind'] === 'none') return void res.writeHead(204).end();
      if (req.headers['x-kind'] === 'accepted')
        return void res.writeHead(202, { 'content-length': '0' }).end();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      setTimeout(() => res.end('data: two\n\n'), 20);
    });
    pool = new RawHttpPool(url);
    const stream = await pool.request({ method: 'POST', headers: {}, body: '{}' });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = stream.body!.getReader();
    const parts: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value).toString());
    }
    expect(parts.join('')).toBe('data: one\n\ndata: two\n\n');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect((await pool.request({ method: 'POST', headers: { 'x-kind': 'none' }, body: '' })).status).toBe(
      204,
    );
    const accepted = await pool.request({ method: 'POST', headers: { 'x-kind': 'accepted' }, body: '' });
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe('');
  });

  it('retries once on a new socket when a kept one was closed by the server', async () => {
    let count = 0;
    const url = await serve((_req, res) => {
      count++;
      res.writeHead(200, { 'content-length': '2' }).end('ok');
    });
    pool = new RawHttpPool(url);
    expect(await (await pool.request({ method: 'POST', headers: {}, body: 'a' })).text()).toBe('ok');
    // The server drops its idle keep-alive socket, as it does after its keep-alive timeout.
    server?.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await (await pool.request({ method: 'POST', headers: {}, body: 'b' })).text()).toBe('ok');
    expect(count).toBe(2);
  });

  it('fails an aborted request with an AbortError, and refuses header injection', async () => {
    const url = await serve(() => {
      // never answers
    });
    pool = new RawHttpPool(url);
    const controller = new AbortController();
    const pending = pool.request({ method: 'POST', headers: {}, body: 'x', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pool.request({ method: 'POST', headers: { 'x-a': 'v\r\nx-b: evil' } })).rejects.toThrow(
      /Invalid HTTP header/,
    );
  });

  it('fails a request whose server goes away before answering', async () => {
    const url = await serve((req) => req.socket.destroy());
    pool = new RawHttpPool(url);
    await expect(pool.request({ method: 'POST', headers: {}, body: 'x' })).rejects.toThrow(/closed/);
  });
});
