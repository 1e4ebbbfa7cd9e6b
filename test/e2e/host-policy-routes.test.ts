import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { openSession } from '../runtime/http-helpers.js';

// DNS rebinding: every route serveHttp serves applies the same Host/Origin policy as /mcp. The health
// probes stay open (balancers send their own Host) but then say only the status.

let http: HttpServerHandle;
let port: number;
let sessionId: string;

interface Answer {
  status: number;
  body: string;
}

function get(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        // Streams (observer events, SSE) never end by themselves: the status and a first chunk do.
        if (res.headers['content-type']?.includes('event-stream')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  const server = new McpServer({ name: 'rebinding', version: '1', onDiagnostic: () => {} });
  server.tool('echo', { handler: () => 'ok' });
  http = await serveHttp(server, { port: 0, observer: true });
  port = Number(new URL(http.url).port);
  sessionId = await openSession(http.url);
  expect(sessionId).not.toBe('');
});
afterAll(async () => {
  await http?.close();
});

const ROUTES = () => [
  '/metrics',
  '/observer',
  '/observer/',
  '/observer/events',
  `/observer/sessions/${encodeURIComponent(sessionId)}`,
  '/sse',
  '/no-such-route',
];

describe('a rebinding Host', () => {
  for (const host of ['rebind.evil.com', `rebind.evil.com:${0}`, '[::1]evil.com']) {
    it(`is refused with 403 on every route (Host: ${host})`, async () => {
      for (const route of ROUTES()) {
        const answer = await get(route, { host });
        expect(answer.status, route).toBe(403);
        expect(answer.body, route).not.toContain(sessionId);
        expect(answer.body, route).not.toContain('faults');
      }
      const post = await get(
        '/mcp',
        { host, 'content-type': 'application/json', accept: '*/*' },
        'POST',
        '{}',
      );
      expect(post.status).toBe(403);
      const message = await get(
        `/messages?sessionId=x`,
        { host, 'content-type': 'application/json' },
        'POST',
        '{}',
      );
      expect(message.status).toBe(403);
    });
  }

  it('gets only the status from the health probes', async () => {
    for (const route of ['/healthz', '/readyz']) {
      const answer = await get(route, { host: 'rebind.evil.com' });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
    }
  });
});

describe('a hostile Origin', () => {
  it('is refused with 403 on the side routes too', async () => {
    for (const route of ROUTES()) {
      const answer = await get(route, { host: `127.0.0.1:${port}`, origin: 'https://evil.example' });
      expect(answer.status, route).toBe(403);
    }
  });
});

describe('an allowed Host', () => {
  it('still reaches every route, IPv6 literals included', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await get('/metrics', { host })).status).toBe(200);
      expect((await get('/observer', { host, origin: `http://[::1]:${port}` })).status).toBe(200);
      const session = await get(`/observer/sessions/${encodeURIComponent(sessionId)}`, { host });
      expect(session.status).toBe(200);
      expect(session.body).toContain('faults');
      const health = JSON.parse((await get('/healthz', { host })).body) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', sessions: 1 });
    }
  });
});
