import { afterEach, describe, expect, it } from 'vitest';
import { channels } from '../../src/core/diagnostics.js';
import { type HttpServerHandle, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { callTool, modernCallTool, openSession } from '../runtime/http-helpers.js';
import { type CliServer, startCli } from '../support/cli-process.js';
import { parseSamples, series } from '../support/prometheus-text.js';

/** Known traffic over real HTTP, then one scrape: every count must be exact. */
describe('Prometheus metrics and health over HTTP', () => {
  let handle: HttpServerHandle | undefined;
  afterEach(async () => {
    await handle?.destroy();
    handle = undefined;
  });

  function start(limits = {}) {
    const server = new McpServer({
      name: 'metrics',
      version: '1',
      onDiagnostic: () => {},
      // No shedding (a busy CI machine must not turn a call into a 503); a session may make 5 requests.
      limits: { maxEventLoopDelayMs: 0, rate: { perSession: { perSecond: 0.001, burst: 5 } }, ...limits },
    });
    server.tool('echo', { handler: (args) => String(args.message) });
    server.tool('fail', {
      handler: () => {
        throw new Error('broken on purpose');
      },
    });
    return server;
  }

  it('counts requests per label set, latency, sessions and refusals exactly', async () => {
    const server = start();
    handle = await serveHttp(server, { port: 0, httpSse: false });
    const url = handle.url;
    const session = await openSession(url);
    for (let i = 0; i < 3; i++)
      expect((await callTool(url, session, 'echo', { message: 'hi' })).status).toBe(200);
    expect((await callTool(url, session, 'fail')).body.result?.isError).toBe(true);
    expect((await callTool(url, session, 'no-such-tool')).body.error).toBeDefined();
    expect((await modernCallTool(url, 'echo', { message: 'hi' })).body.result).toBeDefined();
    // The session's sixth request is over its rate limit: refused before any handler runs.
    expect((await callTool(url, session, 'echo', { message: 'hi' })).status).toBe(429);

    // The session's GET stream is open while scraping: one active stream.
    const stream = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': session,
        'mcp-protocol-version': '2025-11-25',
      },
    });
    expect(stream.status).toBe(200);
    const scrape = await fetch(new URL('/metrics', url));
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape.text();
    const samples = parseSamples(text);
    const legacy = 'era=legacy,method=tools/call';
    expect(series(samples, 'erlmcp_requests_total')).toEqual({
      [`${legacy},outcome=ok,tool=echo,transport=http`]: 3,
      [`${legacy},outcome=tool_error,tool=fail,transport=http`]: 1,
      [`${legacy},outcome=error,tool=_other,transport=http`]: 1,
      'era=modern,method=tools/call,outcome=ok,tool=echo,transport=http': 1,
    });
    expect(series(samples, 'erlmcp_request_duration_seconds_count')).toEqual({
      [`${legacy},tool=echo,transport=http`]: 3,
      [`${legacy},tool=fail,transport=http`]: 1,
      [`${legacy},tool=_other,transport=http`]: 1,
      'era=modern,method=tools/call,tool=echo,transport=http': 1,
    });
    // Every request falls in the +Inf bucket; the sum is a real, small duration.
    const inf = samples.filter(
      (s) => s.name === 'erlmcp_request_duration_seconds_bucket' && s.labels.le === '+Inf',
    );
    expect(inf.reduce((total, s) => total + s.value, 0)).toBe(6);
    expect(series(samples, 'erlmcp_refused_total')).toEqual({
      'limit=rate.perSession,reason=rate_limited,transport=http': 1,
    });
    expect(series(samples, 'erlmcp_sessions_active')).toEqual({ 'transport=http': 1 });
    expect(series(samples, 'erlmcp_sessions_total')).toEqual({ 'transport=http': 1 });
    expect(series(samples, 'erlmcp_streams_active')).toEqual({ 'transport=http': 1 });
    const bytes = series(samples, 'erlmcp_bytes_total');
    expect(Object.keys(bytes).sort()).toEqual([
      'direction=in,transport=http',
      'direction=out,transport=http',
    ]);
    // Every POST body was read (at least the 8 JSON-RPC messages above, ~60+ bytes each).
    expect(bytes['direction=in,transport=http']).toBeGreaterThan(8 * 60);
    expect(bytes['direction=out,transport=http']).toBeGreaterThan(0);
    await stream.body?.cancel();
    expect(series(samples, 'erlmcp_in_flight_requests')).toEqual({ '': 0 });
    expect(text).not.toContain('no-such-tool');
    expect(text).toMatch(/^erlmcp_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^erlmcp_nodejs_heap_size_used_bytes \d+/m);
    expect(text).toMatch(/^erlmcp_event_loop_delay_seconds [\d.e-]+$/m);
  });

  it('answers /healthz and /readyz, and /readyz turns 503 while draining', async () => {
    const server = start();
    handle = await serveHttp(server, { port: 0 });
    const get = (path: string) => fetch(new URL(path, handle!.url));
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', inFlight: 0, sessions: 0 });
    expect((await get('/health')).status).toBe(404);
    const drained = server.core.supervisor.drain();
    const draining = await get('/readyz');
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ status: 'draining' });
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
    await drained;
  });

  it('moves or removes the endpoints; without metrics nothing listens', async () => {
    handle = await serveHttp(start(), {
      port: 0,
      metrics: { path: '/internal/prom' },
      health: { live: '/live', ready: '/ready-now' },
    });
    const get = (path: string) => fetch(new URL(path, handle!.url));
    expect((await get('/internal/prom')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(404);
    expect((await get('/live')).status).toBe(200);
    expect((await get('/ready-now')).status).toBe(200);
    await handle.destroy();
    expect(channels.requestEnd.hasSubscribers).toBe(false);
    handle = await serveHttp(start(), { port: 0, metrics: false, health: false });
    expect(handle.metrics).toBeUndefined();
    expect(channels.requestEnd.hasSubscribers).toBe(false);
    expect((await get('/metrics')).status).toBe(404);
    expect((await get('/healthz')).status).toBe(404);
  });
});

describe('erlmcp serve --transport http', () => {
  let cli: CliServer | undefined;
  afterEach(async () => {
    await cli?.stop();
    cli = undefined;
  });
  const FIXTURE = 'test/fixtures/slow-server.mjs';

  it('serves /metrics, /healthz and /readyz by default', async () => {
    cli = await startCli([FIXTURE, '--transport', 'http', '--port', '0']);
    for (const path of ['/metrics', '/healthz', '/readyz'])
      expect((await fetch(new URL(path, cli.url))).status).toBe(200);
  });

  it('moves them with configuration and turns metrics off with --metrics-path false', async () => {
    cli = await startCli([FIXTURE, '--transport', 'http', '--port', '0', '--metrics-path', 'false'], {
      ERLMCP_HTTP_HEALTH_PATHS: '{"live":"/alive","ready":"/ok"}',
    });
    const status = async (path: string) => (await fetch(new URL(path, cli!.url))).status;
    expect(await status('/metrics')).toBe(404);
    expect(await status('/healthz')).toBe(404);
    expect(await status('/alive')).toBe(200);
    expect(await status('/ok')).toBe(200);
    await cli.stop();
    cli = await startCli([FIXTURE, '--transport', 'http', '--port', '0'], {
      ERLMCP_HTTP_METRICS_PATH: '/prom',
      ERLMCP_HTTP_HEALTH_PATHS: 'false',
    });
    expect(await status('/prom')).toBe(200);
    expect(await status('/readyz')).toBe(404);
  });
});
