import { afterEach, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { MODERN_HEADERS, modernToolCall } from '../support/cli-process.js';

describe('drain inside one process', () => {
  let handle: HttpServerHandle | undefined;
  afterEach(async () => {
    await handle?.destroy();
    handle = undefined;
  });

  it('answers new requests with 503, Retry-After and Connection: close while a request drains; destroy() ends it', async () => {
    const server = new McpServer({
      name: 'drain',
      version: '1',
      onDiagnostic: () => {},
      limits: { retryAfterMs: 2500 },
    });
    server.tool('hang', { handler: () => new Promise<string>(() => {}) });
    server.tool('quick', { handler: () => 'ok' });
    handle = await serveHttp(server, { port: 0 });
    const headers = (name: string) => ({ ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': name });
    const hung = fetch(handle.url, {
      method: 'POST',
      headers: headers('hang'),
      body: modernToolCall(1, 'hang'),
    });
    while (server.core.supervisor.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const drained = server.core.supervisor.drain(60_000);
    const refused = await fetch(handle.url, {
      method: 'POST',
      headers: headers('quick'),
      body: modernToolCall(2, 'quick'),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.json()).toMatchObject({
      id: 2,
      error: { code: -32010, data: { reason: 'draining', retryAfterMs: 2500 } },
    });
    // Liveness stays 200 (the process is fine); readiness turns 503 so balancers send clients elsewhere.
    expect((await fetch(new URL('/healthz', handle.url))).status).toBe(200);
    expect((await fetch(new URL('/readyz', handle.url))).status).toBe(503);
    server.core.supervisor.destroy();
    await drained;
    const answer = await hung;
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({
      id: 1,
      error: { code: -32010, data: { reason: 'draining' } },
    });
  });
});
