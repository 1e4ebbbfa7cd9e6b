import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../client/client.js';
import { type HttpServerHandle, serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';
import { StreamableHttpClientTransport } from '../../transports/http/client-transport.js';
import { mergeSnapshots } from './merge-snapshots.js';
import { ObserverState } from './observer-state.js';

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

describe('mergeSnapshots (a cluster of workers)', () => {
  const part = (pid: number, requests: number, rate: number, p99: number, opened: number) => {
    const state = new ObserverState(new McpServer({ name: 'part', version: '1' }));
    const snapshot = state.snapshot();
    state.close();
    return {
      ...snapshot,
      totals: { requests, rate, errors: 1, p50: pid === 1 ? 1 : 3, p99, series: [0, requests] },
      eras: { legacy: requests, modern: 0 },
      sessionsByTransport: { http: 1 },
      targets: [{ name: 'tool echo', rate, errors: 0, p50: 1, p99, series: [rate] }],
      supervisor: {
        ...snapshot.supervisor,
        pid: String(pid),
        inFlight: pid,
        restarts: [{ kind: 'worker' as const, id: '9', reason: 'SIGKILL', count: 1, at: 5 }],
      },
      sessions: [
        {
          id: `s${pid}`,
          transport: 'http',
          protocolVersion: '2025-11-25',
          client: 'c',
          principal: undefined,
          openedAt: opened,
          requests,
        },
      ],
    };
  };

  it('sums counts, rates and series, keeps the worst p99 and every worker, once each', () => {
    const merged = mergeSnapshots([part(1, 10, 2, 5, 100), part(2, 30, 6, 9, 200)]);
    expect(merged.totals).toMatchObject({ requests: 40, rate: 8, errors: 2, p99: 9, series: [0, 40] });
    // p50 weighted by rate: (1 × 2 + 3 × 6) / 8.
    expect(merged.totals.p50).toBe(2.5);
    expect(merged.eras).toEqual({ legacy: 40, modern: 0 });
    expect(merged.sessionsByTransport).toEqual({ http: 2 });
    expect(merged.targets).toEqual([{ name: 'tool echo', rate: 8, errors: 0, p50: 1, p99: 9, series: [8] }]);
    expect(merged.supervisor).toMatchObject({ pid: '1, 2', inFlight: 3 });
    expect(merged.supervisor.restarts).toHaveLength(1);
    expect(merged.sessions.map((session) => session.id)).toEqual(['s2', 's1']);
  });
});

describe('mergeSnapshots of a gateway cluster', () => {
  it("sums each upstream's counts over workers and shows the worst state and circuit", () => {
    const state = new ObserverState(new McpServer({ name: 'gateway', version: '1' }));
    const snapshot = state.snapshot();
    state.close();
    expect(snapshot.upstreams).toEqual([]);
    const row = (state: 'up' | 'down', circuit: 'closed' | 'open', calls: number) => ({
      name: 'weather',
      state,
      circuit,
      era: 'modern',
      protocolVersion: '2026-07-28',
      server: 'weather 1',
      connections: 2,
      busy: 1,
      waiting: 0,
      calls,
      failures: circuit === 'open' ? 3 : 0,
      lastError: circuit === 'open' ? 'connect ECONNREFUSED' : undefined,
    });
    const merged = mergeSnapshots([
      { ...snapshot, upstreams: [row('up', 'closed', 10)] },
      { ...snapshot, upstreams: [row('down', 'open', 5)] },
    ]);
    expect(merged.upstreams).toEqual([{ ...row('down', 'open', 15), connections: 4, busy: 2, failures: 3 }]);
  });
});
