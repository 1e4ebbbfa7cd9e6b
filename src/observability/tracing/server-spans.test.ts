import { readFileSync } from 'node:fs';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { MODERN_HEADERS } from '../../../test/support/cli-process.js';
import { useInMemoryTracing } from '../../../test/support/in-memory-tracing.js';
import { clientOverMemory } from '../../../test/support/memory-client.js';
import { handlerScope } from '../../core/diagnostics.js';
import { type HttpServerHandle, serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';
import { TRACER_VERSION } from './enable-tracing.js';

const { exporter, cleanups } = useInMemoryTracing();

function newServer(): McpServer {
  const server = new McpServer({ name: 'traced', version: '1', onDiagnostic: () => {} });
  server.tool('echo', { handler: () => 'echoed' });
  server.tool('fails', {
    handler: () => {
      throw new Error('boom');
    },
  });
  // Spans a handler starts are children of the request's span, across awaits.
  server.tool('work', {
    handler: () =>
      trace.getTracer('app').startActiveSpan('db.query', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        span.end();
        return 'worked';
      }),
  });
  return server;
}

const overMemory = () => clientOverMemory(newServer(), cleanups);

async function overHttp(): Promise<HttpServerHandle> {
  const handle = await serveHttp(newServer(), { host: '127.0.0.1', port: 0, httpSse: false });
  cleanups.push(() => handle.destroy());
  return handle;
}

const serverSpan = (name: string): ReadableSpan => {
  const span = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.name === name);
  if (!span) throw new Error(`no server span ${name}`);
  return span;
};

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

/** A raw 2026 tools/call over HTTP, with trace context in `_meta` and/or headers. */
async function postModern(url: string, meta: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...MODERN_HEADERS,
      'mcp-method': 'tools/call',
      'mcp-name': 'echo',
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name: 'echo',
        arguments: {},
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          ...meta,
        },
      },
    }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

describe('server spans', () => {
  it('one SERVER span per request, named and attributed by the MCP conventions', async () => {
    const client = await overMemory();
    await client.callTool('echo');
    const span = serverSpan('tools/call echo');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.instrumentationScope).toMatchObject({ name: 'erlmcp', version: TRACER_VERSION });
    expect(span.attributes).toEqual({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': expect.any(String),
      'mcp.session.id': expect.any(String),
      'mcp.protocol.version': '2025-11-25',
      'erlmcp.transport': 'memory',
      'erlmcp.outcome': 'ok',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks tool errors and JSON-RPC errors as ERROR with error.type', async () => {
    const client = await overMemory();
    await client.callTool('fails');
    await expect(client.request('bogus/method')).rejects.toThrow(/Method not found/);
    const toolError = serverSpan('tools/call fails');
    expect(toolError.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolError.attributes).toMatchObject({
      'error.type': 'tool_error',
      'erlmcp.outcome': 'tool_error',
    });
    const rpcError = serverSpan('bogus/method');
    expect(rpcError.status).toEqual({ code: SpanStatusCode.ERROR, message: 'JSON-RPC error -32601' });
    expect(rpcError.attributes).toMatchObject({
      'error.type': '-32601',
      'rpc.response.status_code': '-32601',
      'erlmcp.outcome': 'error',
    });
  });

  it('runs the handler inside the request span: its spans are children', async () => {
    const client = await overMemory();
    await client.callTool('work');
    const request = serverSpan('tools/call work');
    const child = exporter.getFinishedSpans().find((span) => span.name === 'db.query');
    expect(child?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(child?.spanContext().traceId).toBe(request.spanContext().traceId);
  });

  it('continues the trace of a 2026 request from traceparent/tracestate in _meta', async () => {
    const handle = await overHttp();
    await postModern(handle.url, {
      traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
      tracestate: 'congo=t61rcWkgMzE',
    });
    const span = serverSpan('tools/call echo');
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, isRemote: true });
    expect(span.spanContext().traceState?.get('congo')).toBe('t61rcWkgMzE');
    expect(span.attributes).toMatchObject({
      'mcp.protocol.version': '2026-07-28',
      'jsonrpc.request.id': '7',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'erlmcp.transport': 'http',
    });
    expect(span.attributes['mcp.session.id']).toBeUndefined();
  });

  it('continues the trace from the HTTP traceparent header when _meta has none', async () => {
    const handle = await overHttp();
    await postModern(handle.url, {}, { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` });
    const span = serverSpan('tools/call echo');
    expect(span.parentSpanContext).toMatchObject({ traceId: TRACE_ID, spanId: PARENT_ID, isRemote: true });
  });

  it('prefers _meta (message level) over the HTTP header', async () => {
    const handle = await overHttp();
    const otherParent = '00f067aa0ba902b7';
    await postModern(
      handle.url,
      { traceparent: `00-${TRACE_ID}-${otherParent}-01` },
      { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    );
    expect(serverSpan('tools/call echo').parentSpanContext?.spanId).toBe(otherParent);
  });

  it('records nothing once disposed, and leaves the runner hook unset', async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    expect(handlerScope.current).toBeUndefined();
    const client = await overMemory();
    await client.callTool('work');
    // Only the handler's own span: no request span to be its parent.
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.parentSpanContext])).toEqual([
      ['db.query', undefined],
    ]);
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(TRACER_VERSION).toBe(pkg.version);
  });
});
