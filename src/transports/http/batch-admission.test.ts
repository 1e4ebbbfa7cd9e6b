import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';

// A 2025-03-26 JSON-RPC batch is admitted exactly like the same requests POSTed one by one: per-IP
// and per-principal rate limits apply to each member, and so does the in-flight duplicate-id check.

const servers: HttpServerHandle[] = [];

async function serve(options: ConstructorParameters<typeof McpServer>[0]): Promise<string> {
  const server = new McpServer(options);
  server.tool('echo', { handler: () => 'ok' });
  server.tool('slow', { handler: () => new Promise((resolve) => setTimeout(() => resolve('slow'), 100)) });
  const http = await serveHttp(server, { port: 0 });
  servers.push(http);
  return http.url;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

interface Answer {
  id?: string | number | null;
  result?: { content?: { text: string }[] };
  error?: { code: number; message: string; data?: { reason?: string } };
}

async function post(
  url: string,
  body: unknown,
  session?: string,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' });
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function openSession(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }),
  });
  expect(response.status).toBe(200);
  const session = response.headers.get('mcp-session-id') ?? '';
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  return session;
}

const call = (id: string | number, name = 'echo') => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});

describe('2025-03-26 batches', () => {
  let rateLimited: string;
  let plain: string;
  beforeAll(async () => {
    rateLimited = await serve({
      name: 'batch-ip',
      version: '1',
      onDiagnostic: () => {},
      limits: { rate: { perSession: false, perIp: { perSecond: 0.001, burst: 3 } } },
    });
    plain = await serve({ name: 'batch-plain', version: '1', onDiagnostic: () => {} });
  });

  it('spend the per-IP bucket like single requests do', async () => {
    const session = await openSession(rateLimited);
    let admitted = 0;
    for (let i = 0; i < 5; i++) {
      const single = await post(rateLimited, call(i), session);
      if (single.status !== 200) {
        expect(single.status).toBe(429);
        break;
      }
      admitted++;
    }
    expect(admitted).toBeLessThan(3); // the bucket holds 3 and initialize may have used one
    const batch = await post(
      rateLimited,
      [10, 11, 12, 13, 14].map((id) => call(id)),
      session,
    );
    expect(batch.status).toBe(200);
    const answers = batch.body as Answer[];
    expect(answers).toHaveLength(5);
    for (const answer of answers) {
      expect(answer.error, JSON.stringify(answer)).toMatchObject({
        code: -32011,
        data: { reason: 'rate_limited' },
      });
    }
  });

  it('refuse a duplicate of an id still in flight, inside one batch and across requests', async () => {
    const session = await openSession(plain);
    const batch = await post(plain, [call('x', 'slow'), call('x', 'slow'), call('y')], session);
    const answers = batch.body as Answer[];
    expect(answers).toHaveLength(3);
    const forX = answers.filter((answer) => answer.id === 'x');
    expect(forX.map((answer) => answer.result?.content?.[0]?.text ?? answer.error?.code).sort()).toEqual([
      -32600,
      'slow',
    ]);
    expect(answers.find((answer) => answer.id === 'y')?.result?.content?.[0]?.text).toBe('ok');

    const running = post(plain, call('z', 'slow'), session);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const duplicate = await post(plain, [call('z')], session);
    expect((duplicate.body as Answer[])[0]?.error).toMatchObject({
      code: -32600,
      message: expect.stringContaining('in flight'),
    });
    expect(((await running).body as Answer).result?.content?.[0]?.text).toBe('slow');
  });
});
