import {
  type Context,
  context,
  SpanKind,
  type TextMapPropagator,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ClientRequestEvent } from '../../core/diagnostics.js';
import { McpAttribute, recordOutcome, requestAttributes, spanName } from './attributes.js';
import { SPAN_SLOT } from './server-spans.js';

const metaSetter: TextMapSetter<Record<string, unknown>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Subscribers of `erlmcp:client:request:start` / `end`: one CLIENT span per call (all its input
 * rounds), a child of the caller's active context, injected into the call's `_meta`. The HTTP client
 * transport mirrors those `_meta` keys as `traceparent` / `tracestate` / `baggage` headers.
 */
export function clientSpans(tracer: Tracer, propagator: TextMapPropagator) {
  const onStart = (message: unknown): void => {
    const event = message as ClientRequestEvent;
    const parent = context.active();
    const attributes = requestAttributes(event.method, event.target);
    attributes[McpAttribute.protocolVersion] = event.protocolVersion;
    const span = tracer.startSpan(
      spanName(event.method, event.target),
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    const active = trace.setSpan(parent, span);
    propagator.inject(active, event.meta, metaSetter);
    event.context ??= new Map();
    event.context.set(SPAN_SLOT, active);
  };

  const onEnd = (message: unknown): void => {
    const event = message as ClientRequestEvent;
    const stored = event.context?.get(SPAN_SLOT) as Context | undefined;
    const span = stored === undefined ? undefined : trace.getSpan(stored);
    if (span === undefined) return;
    recordOutcome(span, event.outcome, event.errorCode, event.error);
    span.end();
  };

  return { onStart, onEnd };
}
