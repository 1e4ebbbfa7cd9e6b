import diagnostics_channel from 'node:diagnostics_channel';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { useInMemoryTracing } from '../../../test/support/in-memory-tracing.js';
import { Client } from '../../client/client.js';
import type { RequestEvent } from '../../core/diagnostics.js';
import { serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';
import { StreamableHttpClientTransport } from '../../transports/http/client-transport.js';
import { createLinkedPair } from '../../transports/memory/linked-pair.js';

const { exporter, cleanups } = useInMemoryTracing();

/** The server side: records the baggage its handler sees. */
function newServer(seen: { baggage?: string | undefined }): McpServer {
  const server = new McpServer({ name: 'traced', version: '1', onDiagnostic: () => {} });
  server.tool('echo', {
    handler: () => {
      seen.baggage = propagation.getBaggage(context.active())?.getEntry('tenant')?.value;
      return 'echoed';
    },
  });
  server.tool('fails', {
    handler: () => {
      throw new Error('boom');
    },
  });
  return server;
}

async function overMemory(era: 'legacy' | 'modern', seen: { baggage?: string | undefined } = {}) {
  const server = newServer(seen);
  const [clientSide, serverSide] = createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'probe', version: '1' }, { versionNegotiation: era });
  await client.connect(clientSide);
  cleanups.push(
    () => server.close(),
    () => client.close(),
  );
  return client;
}

const spans = (kind: SpanKind, name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.kind === kind && span.name === name);

/** Calls `echo` inside an application span carrying baggage; returns the three spans. */
async function tracedCall(client: Client) {
  const bag = propagation.createBaggage({ tenant: { value: 'acme' } });
  await context.with(propagation.setBaggage(context.active(), bag), () =>
    trace.getTracer('app').startActiveSpan('agent.step', async (span) => {
      await client.callTool('echo');
      span.end();
    }),
  );
  const [app] = spans(SpanKind.INTERNAL, 'agent.step');
  const [clientSpan] = spans(SpanKind.CLIENT, 'tools/call echo');
  const [serverSpan] = spans(SpanKind.SERVER, 'tools/call echo');
  if (!app || !clientSpan || !serverSpan) throw new Error('missing spans');
  return { app, clientSpan, serverSpan };
}

describe('client spans', () => {
  for (const era of ['modern', 'legacy'] as const) {
    it(`a CLIENT span per call whose context reaches the server in _meta (${era})`, async () => {
      const seen: { baggage?: string | undefined } = {};
      const client = await overMemory(era, seen);
      const { app, clientSpan, serverSpan } = await tracedCall(client);
      expect(clientSpan.parentSpanContext?.spanId).toBe(app.spanContext().spanId);
      expect(serverSpan.parentSpanContext).toMatchObject({
        spanId: clientSpan.spanContext().spanId,
        traceId: app.spanContext().traceId,
        isRemote: true,
      });
      expect(seen.baggage).toBe('acme');
      expect(clientSpan.attributes).toEqual({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'echo',
        'gen_ai.operation.name': 'execute_tool',
        'mcp.protocol.version': era === 'modern' ? '2026-07-28' : '2025-11-25',
        'erlmcp.outcome': 'ok',
      });
    });
  }

  it('marks failed calls: tool errors and JSON-RPC errors', async () => {
    const client = await overMemory('modern');
    await client.callTool('fails');
    await expect(client.request('bogus/method')).rejects.toThrow(/Method not found/);
    const [toolError] = spans(SpanKind.CLIENT, 'tools/call fails');
    expect(toolError?.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolError?.attributes['error.type']).toBe('tool_error');
    const [rpcError] = spans(SpanKind.CLIENT, 'bogus/method');
    expect(rpcError?.status.code).toBe(SpanStatusCode.ERROR);
    expect(rpcError?.attributes).toMatchObject({
      'error.type': '-32601',
      'rpc.response.status_code': '-32601',
    });
  });

  it('over HTTP the context travels in _meta and in traceparent/baggage headers', async () => {
    const handle = await serveHttp(newServer({}), { host: '127.0.0.1', port: 0, httpSse: false });
    cleanups.push(() => handle.destroy());
    const sent: Headers[] = [];
    const capture: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers));
      return fetch(input, init);
    };
    const client = new Client({ name: 'probe', version: '1' }, { versionNegotiation: 'modern' });
    await client.connect(new StreamableHttpClientTransport(handle.url, { fetch: capture }));
    cleanups.push(() => client.close());
    const { clientSpan, serverSpan } = await tracedCall(client);
    const { traceId, spanId } = clientSpan.spanContext();
    expect(serverSpan.parentSpanContext?.spanId).toBe(spanId);
    const call = sent.find((headers) => headers.get('mcp-method') === 'tools/call');
    expect(call?.get('traceparent')).toBe(`00-${traceId}-${spanId}-01`);
    expect(call?.get('baggage')).toBe('tenant=acme');
  });

  it('adds nothing to requests while tracing is off', async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    const metas: unknown[] = [];
    const listener = (message: unknown) => metas.push((message as RequestEvent).params._meta);
    diagnostics_channel.subscribe('erlmcp:request:start', listener);
    cleanups.push(() => {
      diagnostics_channel.unsubscribe('erlmcp:request:start', listener);
    });
    const client = await overMemory('legacy');
    await trace.getTracer('app').startActiveSpan('agent.step', async (span) => {
      await client.callTool('echo');
      span.end();
    });
    expect(metas).toEqual([undefined]);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['agent.step']);
  });
});
