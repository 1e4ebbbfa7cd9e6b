/** A gateway's upstreams on its observer page and in its metrics: one up, one that never answers. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { StreamableHttpClientTransport } from '../../src/transports/http/client-transport.js';
import { parseSamples, series } from '../support/prometheus-text.js';

const quiet = { onDiagnostic: () => {}, limits: { maxEventLoopDelayMs: 0 } };

/** A loopback URL nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/mcp`;
}

describe('gateway upstream health', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('shows each upstream on the observer page and as gauges and counters in /metrics', async () => {
    const upstream = new McpServer({ name: 'up-a', version: '7', ...quiet });
    upstream.tool('echo', { handler: (args) => String(args.message) });
    const upstreamHttp = await serveHttp(upstream, { port: 0, metrics: false });
    cleanups.push(() => upstreamHttp.destroy());
    const gateway = new Gateway(
      { upstreams: { a: { url: upstreamHttp.url }, b: { url: await deadUrl() } }, audit: false },
      { server: quiet, onDiagnostic: () => {} },
    );
    cleanups.push(() => gateway.close());
    await gateway.start();
    const handle = await serveHttp(gateway.server, { port: 0, observer: { intervalMs: 50 } });
    cleanups.push(() => handle.destroy());

    const client = new Client({ name: 'caller', version: '1' });
    await client.connect(new StreamableHttpClientTransport(handle.url));
    cleanups.push(() => client.close());
    for (let i = 0; i < 2; i++) await client.callTool('a__echo', { message: 'hi' });

    const feed = await fetch(new URL('/observer/events', handle.url));
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const snapshot = JSON.parse(/data: (.*)\n/.exec(value ?? '')![1]!);
    const rows = Object.fromEntries(snapshot.upstreams.map((row: { name: string }) => [row.name, row]));
    expect(rows.a).toMatchObject({
      state: 'up',
      circuit: 'closed',
      era: 'modern',
      server: 'up-a 7',
      failures: 0,
    });
    expect(rows.a.calls).toBeGreaterThanOrEqual(2);
    expect(rows.a.connections).toBeGreaterThanOrEqual(1);
    expect(rows.b).toMatchObject({ state: 'down', connections: 0, busy: 0 });
    expect(rows.b.lastError).toEqual(expect.any(String));
    expect(await (await fetch(new URL('/observer', handle.url))).text()).toContain('Upstreams');

    const samples = parseSamples(await (await fetch(new URL('/metrics', handle.url))).text());
    expect(series(samples, 'erlmcp_gateway_upstream_up')).toEqual({ 'upstream=a': 1, 'upstream=b': 0 });
    expect(series(samples, 'erlmcp_gateway_upstream_circuit_open')).toEqual({
      'upstream=a': 0,
      'upstream=b': 0,
    });
    expect(series(samples, 'erlmcp_gateway_upstream_busy_connections')).toEqual({
      'upstream=a': 0,
      'upstream=b': 0,
    });
    const calls = series(samples, 'erlmcp_gateway_upstream_calls_total');
    expect(calls['upstream=a']).toBeGreaterThanOrEqual(2);
    expect(series(samples, 'erlmcp_gateway_upstream_failures_total')['upstream=b']).toBeGreaterThanOrEqual(1);
  });

  it('leaves a server that fronts no upstreams without rows', async () => {
    const server = new McpServer({ name: 'plain', version: '1', ...quiet });
    const handle = await serveHttp(server, { port: 0 });
    cleanups.push(() => handle.destroy());
    const text = await (await fetch(new URL('/metrics', handle.url))).text();
    expect(text).toContain('# TYPE erlmcp_gateway_upstream_up gauge');
    expect(series(parseSamples(text), 'erlmcp_gateway_upstream_up')).toEqual({});
  });
});
