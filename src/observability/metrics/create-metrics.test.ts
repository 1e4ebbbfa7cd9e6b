import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSamples, series } from '../../../test/support/prometheus-text.js';
import { Client } from '../../client/client.js';
import { channels } from '../../core/diagnostics.js';
import { McpServer } from '../../server/mcp-server.js';
import { createLinkedPair } from '../../transports/memory/linked-pair.js';
import { createMetrics, METRIC_NAMES, type Metrics } from './index.js';

const opened: Metrics[] = [];
afterEach(() => {
  for (const metrics of opened.splice(0)) metrics.close();
});

function server(limits: ConstructorParameters<typeof McpServer>[0]['limits'] = {}): McpServer {
  const mcp = new McpServer({ name: 'm', version: '1', onDiagnostic: () => {}, limits });
  mcp.tool('ok', { handler: () => 'fine' });
  mcp.tool('broken', {
    handler: () => {
      throw new Error('nope');
    },
  });
  return mcp;
}

async function connect(mcp: McpServer): Promise<Client> {
  const [clientSide, serverSide] = createLinkedPair();
  await mcp.connect(serverSide);
  const client = new Client({ name: 'probe', version: '1' }, { versionNegotiation: 'legacy' });
  await client.connect(clientSide);
  return client;
}

describe('createMetrics', () => {
  it('subscribes to nothing until called, and to nothing again after close', () => {
    expect(channels.requestEnd.hasSubscribers).toBe(false);
    const metrics = createMetrics(server());
    expect(channels.requestEnd.hasSubscribers).toBe(true);
    expect(channels.sessionOpen.hasSubscribers).toBe(true);
    metrics.close();
    metrics.close();
    expect(channels.requestEnd.hasSubscribers).toBe(false);
    expect(channels.refused.hasSubscribers).toBe(false);
  });

  it('counts requests by method, tool and outcome, sessions, and refusals', async () => {
    const mcp = server({ rate: { perSession: { perSecond: 0.001, burst: 4 } } });
    const metrics = createMetrics(mcp);
    opened.push(metrics);
    const client = await connect(mcp);
    await client.callTool('ok');
    await client.callTool('ok');
    await client.callTool('broken');
    await expect(client.callTool('missing')).rejects.toThrow();
    await expect(client.callTool('ok')).rejects.toThrow(/Rate limit/);
    const live = parseSamples(await metrics.render());
    expect(series(live, 'erlmcp_sessions_active')).toEqual({ 'transport=memory': 1 });
    await client.close();
    await mcp.close();
    const samples = parseSamples(await metrics.render());
    const base = 'era=legacy,method=tools/call';
    expect(series(samples, 'erlmcp_requests_total')).toEqual({
      [`${base},outcome=ok,tool=ok,transport=memory`]: 2,
      [`${base},outcome=tool_error,tool=broken,transport=memory`]: 1,
      [`${base},outcome=error,tool=_other,transport=memory`]: 1,
    });
    expect(series(samples, 'erlmcp_request_duration_seconds_count')).toEqual({
      [`${base},tool=ok,transport=memory`]: 2,
      [`${base},tool=broken,transport=memory`]: 1,
      [`${base},tool=_other,transport=memory`]: 1,
    });
    expect(series(samples, 'erlmcp_refused_total')).toEqual({
      'limit=rate.perSession,reason=rate_limited,transport=memory': 1,
    });
    expect(series(samples, 'erlmcp_sessions_total')).toEqual({ 'transport=memory': 1 });
    expect(series(samples, 'erlmcp_sessions_active')).toEqual({ 'transport=memory': 0 });
    expect(series(samples, 'erlmcp_in_flight_requests')).toEqual({ '': 0 });
  });

  it('counts a refused session as a refused initialize, with its limit', async () => {
    const mcp = server({ maxSessions: 1 });
    const metrics = createMetrics(mcp);
    opened.push(metrics);
    const first = await connect(mcp);
    await expect(connect(mcp)).rejects.toThrow(/Too many sessions/);
    const samples = parseSamples(await metrics.render());
    expect(series(samples, 'erlmcp_refused_total')).toEqual({
      'limit=maxSessions,reason=too_many_sessions,transport=memory': 1,
    });
    expect(series(samples, 'erlmcp_sessions_total')).toEqual({ 'transport=memory': 1 });
    await first.close();
    await mcp.close();
  });

  it('exports every metric with the prefix, process metrics included, into a caller registry', async () => {
    const registry = new Registry();
    const metrics = createMetrics(server(), { registry, prefix: 'mcp_', buckets: [0.1, 1] });
    const again = createMetrics(server(), { prefix: 'mcp_' });
    opened.push(again);
    expect(metrics.registry).toBe(registry);
    expect(metrics.contentType).toMatch(/^text\/plain/);
    const names = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
    for (const name of METRIC_NAMES) expect(names).toContain(`mcp_${name}`);
    expect(names).toContain('mcp_nodejs_heap_size_used_bytes');
    expect(names).toContain('mcp_process_cpu_seconds_total');
    const text = await metrics.render();
    expect(text).toMatch(/^mcp_event_loop_delay_seconds \d/m);
    metrics.close();
    // Only what createMetrics added is taken away; the other instance keeps its process metrics.
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(await again.render()).toMatch(/^mcp_nodejs_heap_size_used_bytes \d/m);
  });

  it('serves the shedder figure as event-loop delay when shedding is on', async () => {
    const mcp = server({ maxEventLoopDelayMs: 100 });
    const metrics = createMetrics(mcp);
    opened.push(metrics);
    const samples = parseSamples(await metrics.render());
    expect(series(samples, 'erlmcp_event_loop_delay_seconds')).toEqual({ '': 0 });
  });
});
