import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { parseBaggage, parseTraceparent, w3cPropagator } from './w3c-propagator.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('W3C propagator', () => {
  it('parses traceparent and refuses malformed or invalid ones', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
    });
    // A later version may append fields; version 00 may not; ff is invalid; ids must not be zero.
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-00-extra`)?.traceFlags).toBe(TraceFlags.NONE);
    for (const bad of [
      `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      'garbage',
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it('parses baggage members, their properties and percent-encoding; skips malformed members', () => {
    const entries = parseBaggage('tenant=acme%20corp;ttl=5, bad, =x,user=ada');
    expect(Object.keys(entries)).toEqual(['tenant', 'user']);
    expect(entries.tenant?.value).toBe('acme corp');
    expect(entries.tenant?.metadata?.toString()).toBe('ttl=5');
    expect(entries.user?.value).toBe('ada');
  });

  it('round-trips span context, trace state and baggage through a carrier', () => {
    const carrier: Record<string, string> = {
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
      baggage: 'tenant=acme%20corp',
    };
    const extracted = w3cPropagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    expect(trace.getSpanContext(extracted)).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      isRemote: true,
    });
    expect(propagation.getBaggage(extracted)?.getEntry('tenant')?.value).toBe('acme corp');
    const injected: Record<string, string> = {};
    w3cPropagator.inject(extracted, injected, defaultTextMapSetter);
    expect(injected).toEqual(carrier);
  });

  it('joins repeated tracestate headers and takes a single traceparent only', () => {
    const headers = {
      traceparent: [`00-${TRACE_ID}-${SPAN_ID}-01`, `00-${TRACE_ID}-${SPAN_ID}-00`],
      tracestate: ['a=1', 'b=2'],
    };
    expect(trace.getSpanContext(w3cPropagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter))).toBe(
      undefined,
    );
    const single = { ...headers, traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` };
    const span = trace.getSpanContext(w3cPropagator.extract(ROOT_CONTEXT, single, defaultTextMapGetter));
    expect(span?.traceState?.serialize()).toBe('a=1,b=2');
  });
});
