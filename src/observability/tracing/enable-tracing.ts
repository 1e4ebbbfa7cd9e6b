import diagnostics_channel from 'node:diagnostics_channel';
import { type TextMapPropagator, type Tracer, trace } from '@opentelemetry/api';
import { channels, handlerScope } from '../../core/diagnostics.js';
import { clientSpans } from './client-spans.js';
import { serverSpans } from './server-spans.js';
import { w3cPropagator } from './w3c-propagator.js';

/** The instrumentation version reported with the default tracer (kept equal to package.json by a test). */
export const TRACER_VERSION = '0.1.0';

export interface TracingOptions {
  /** Default: `trace.getTracer('erlmcp', version)` from the global tracer provider. */
  tracer?: Tracer;
  /**
   * How trace context is read from `_meta` / HTTP headers and written to `_meta`. Default: W3C Trace
   * Context + Baggage, the formats the MCP spec requires for those `_meta` keys.
   */
  propagator?: TextMapPropagator;
}

let current: (() => void) | undefined;

/**
 * Turns on OpenTelemetry spans: a SERVER span per request served (handlers run inside it, so their
 * spans are its children) and a CLIENT span per call of an erlmcp Client, propagated in `_meta`.
 * One tracer at a time: a second call replaces the first. Returns the disposer (idempotent).
 */
export function enableTracing(options: TracingOptions = {}): () => void {
  current?.();
  const tracer = options.tracer ?? trace.getTracer('erlmcp', TRACER_VERSION);
  const propagator = options.propagator ?? w3cPropagator;
  const server = serverSpans(tracer, propagator);
  const client = clientSpans(tracer, propagator);
  const subscriptions: [string, (message: unknown) => void][] = [
    [channels.requestStart.name as string, server.onStart],
    [channels.requestEnd.name as string, server.onEnd],
    [channels.clientRequestStart.name as string, client.onStart],
    [channels.clientRequestEnd.name as string, client.onEnd],
  ];
  for (const [name, listener] of subscriptions) diagnostics_channel.subscribe(name, listener);
  handlerScope.current = server.scope;
  const dispose = () => {
    if (current !== dispose) return;
    current = undefined;
    handlerScope.current = undefined;
    for (const [name, listener] of subscriptions) diagnostics_channel.unsubscribe(name, listener);
  };
  current = dispose;
  return dispose;
}
