import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../client/client.js';
import { McpServer } from '../../server/mcp-server.js';
import { StreamableHttpClientTransport } from '../../transports/http/client-transport.js';
import { type HttpServerHandle, serveHttp } from '../../transports/http/serve-http.js';

describe('observer', () => {
  let handle: HttpServerHandle | undefined;
  afterEach(async () => {
    await handle?.destroy();
    handle = undefined;
  });

  it('serves the page, a live SSE feed of snapshots and a session drill-down; off by default', async () => {
    const server = new McpServer({ name: 'observed', version: '1', onDiagnostic: () => {} });
    server.tool('echo', { handler: () => 'hi' });
    server.tool('fails', {
      handler: () => {
        throw new Error('no');
      },
    });
    handle = await serveHttp(server, { port: 0, observer: { intervalMs: 50 } });
    const base = new URL('/observer', handle.url);
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('erlmcp observer');

    const client = new Client({ name: 'watched-client', version: '1' }, { versionNegotiation: 'legacy' });
    await client.connect(new StreamableHttpClientTransport(handle.url));
    for (let i = 0; i < 3; i++) await client.callTool('echo');
    await client.callTool('fails');

    const feed = await fetch(new URL('/observer/events', handle.url));
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const snapshot = JSON.parse(/data: (.*)\n/.exec(value ?? '')![1]!);
    expect(snapshot.totals.requests).toBe(4);
    expect(snapshot.eras).toEqual({ legacy: 4, modern: 0 });
    expect(snapshot.sessionsByTransport).toEqual({ http: 1 });
    const rows = Object.fromEntries(
      snapshot.targets.map((t: { name: string; errors: number }) => [t.name, t.errors]),
    );
    expect(rows).toEqual({ 'tool echo': 0, 'tool fails': 1 });
    expect(snapshot.errors[0]).toMatchObject({
      method: 'tools/call',
      target: 'fails',
      outcome: 'tool_error',
    });
    const [session] = snapshot.sessions;
    expect(session).toMatchObject({ transport: 'http', client: 'watched-client', requests: 4 });
    const drill = (await (await fetch(new URL(`/observer/sessions/${session.id}`, handle.url))).json()) as {
      recent: { target: string }[];
    };
    expect(drill.recent.map((r) => r.target)).toEqual(['echo', 'echo', 'echo', 'fails']);
    await client.close();
  });

  it('is not served unless enabled', async () => {
    const server = new McpServer({ name: 'private', version: '1', onDiagnostic: () => {} });
    handle = await serveHttp(server, { port: 0 });
    expect((await fetch(new URL('/observer', handle.url))).status).toBe(404);
  });
});
