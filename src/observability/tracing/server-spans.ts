import {
  type Context,
  context,
  defaultTextMapGetter,
  type SpanContext,
  SpanKind,
  type TextMapGetter,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ClientRequestEvent, HandlerScope, RequestEvent } from '../../core/diagnostics.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { McpAttribute, networkAttributes, recordOutcome, requestAttributes, spanName } from './attributes.js';

/** Where a request's span context lives in the event's `context` slot (server and client events). */
export const SPAN_SLOT = Symbol('erlmcp.tracing.span');

/** The span of a request or client call, while tracing is on (for log correlation). */
export function spanContextOf(event: RequestEvent | ClientRequestEvent): SpanContext | undefined {
  const stored = event.context?.get(SPAN_SLOT) as Context | undefined;
  return stored === undefined ? undefined : trace.getSpanContext(stored);
}

/** `_meta` values are JSON: only strings are trace context. */
export const metaGetter: TextMapGetter<Record<string, unknown>> = {
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
  keys: (carrier) => Object.keys(carrier),
};

/** Subscribers of `erlmcp:request:start` / `end`: one SERVER span per request. */
export function serverSpans(tracer: Tracer, propagator: TextMapPropagator) {
  const fields = propagator.fields();
  const carries = (carrier: Readonly<Record<string, unknown>>) => {
    for (const field of fields) if (carrier[field] !== undefined) return true;
    return false;
  };

  // The parent: the request's `_meta` trace context (message level, MCP spec), else the HTTP
  // headers, else whatever is active where the request is run (an HTTP instrumentation's span).
  const parentOf = (event: RequestEvent): Context => {
    const active = context.active();
    const meta = event.params._meta;
    if (isPlainRecord(meta) && carries(meta)) return propagator.extract(active, meta, metaGetter);
    const headers = event.headers;
    if (headers !== undefined && carries(headers))
      return propagator.extract(active, headers, defaultTextMapGetter);
    return active;
  };

  const onStart = (message: unknown): void => {
    const event = message as RequestEvent;
    const parent = parentOf(event);
    const attributes = requestAttributes(event.method, event.target);
    attributes[McpAttribute.requestId] = String(event.id);
    if (event.sessionId !== undefined) attributes[McpAttribute.sessionId] = event.sessionId;
    networkAttributes(event.transport, attributes);
    const span = tracer.startSpan(
      spanName(event.method, event.target),
      { kind: SpanKind.SERVER, attributes },
      parent,
    );
    event.context ??= new Map();
    event.context.set(SPAN_SLOT, trace.setSpan(parent, span));
  };

  const onEnd = (message: unknown): void => {
    const event = message as RequestEvent;
    const stored = event.context?.get(SPAN_SLOT) as Context | undefined;
    const span = stored === undefined ? undefined : trace.getSpan(stored);
    if (span === undefined) return;
    if (event.protocolVersion !== undefined)
      span.setAttribute(McpAttribute.protocolVersion, event.protocolVersion);
    recordOutcome(span, event.outcome, event.errorCode);
    span.end();
  };

  // The runner calls this only while tracing is on: the handler runs with the span active.
  const scope: HandlerScope = {
    run(event, fn, ...args) {
      const stored = event.context?.get(SPAN_SLOT) as Context | undefined;
      return stored === undefined ? fn(...args) : context.with(stored, fn, undefined, ...args);
    },
  };

  return { onStart, onEnd, scope };
}
