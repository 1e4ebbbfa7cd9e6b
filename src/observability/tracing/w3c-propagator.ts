import {
  type BaggageEntry,
  baggageEntryMetadataFromString,
  type Context,
  createTraceState,
  isSpanContextValid,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const BAGGAGE = 'baggage';
/** version-traceid-parentid-flags; versions after 00 may append fields (W3C Trace Context, level 1). */
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
/** W3C Baggage limits: what a receiver must accept at least, and what a sender must not exceed. */
const MAX_BAGGAGE_ENTRIES = 180;
const MAX_BAGGAGE_BYTES = 8192;

/**
 * W3C Trace Context + W3C Baggage, the formats the 2026-07-28 spec requires for the `traceparent`,
 * `tracestate` and `baggage` keys of `_meta`. Built in so that `_meta` propagation works whatever
 * propagator the application registered for HTTP (B3, Jaeger, none at all).
 */
export const w3cPropagator: TextMapPropagator = {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    if (span && isSpanContextValid(span)) {
      const sampled = (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
      setter.set(carrier, TRACEPARENT, `00-${span.traceId}-${span.spanId}-${sampled}`);
      const state = span.traceState?.serialize();
      if (state) setter.set(carrier, TRACESTATE, state);
    }
    const baggage = propagation.getBaggage(context);
    if (baggage) {
      const value = serializeBaggage(baggage.getAllEntries());
      if (value) setter.set(carrier, BAGGAGE, value);
    }
  },

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let extracted = context;
    const parent = parseTraceparent(joined(getter.get(carrier, TRACEPARENT), undefined));
    if (parent) {
      const state = joined(getter.get(carrier, TRACESTATE), ',');
      extracted = trace.setSpanContext(extracted, {
        ...parent,
        isRemote: true,
        ...(state ? { traceState: createTraceState(state) } : {}),
      });
    }
    const baggage = joined(getter.get(carrier, BAGGAGE), ',');
    if (baggage) {
      const entries = parseBaggage(baggage);
      if (Object.keys(entries).length > 0)
        extracted = propagation.setBaggage(extracted, propagation.createBaggage(entries));
    }
    return extracted;
  },

  fields: () => [TRACEPARENT, TRACESTATE, BAGGAGE],
};

/** A header may arrive as several values: trace state and baggage join them, traceparent takes one. */
function joined(value: string | string[] | undefined, separator: string | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return separator === undefined ? (value.length === 1 ? value[0] : undefined) : value.join(separator);
}

export function parseTraceparent(
  value: string | undefined,
): { traceId: string; spanId: string; traceFlags: number } | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT_FORMAT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId = '', spanId = '', flags = '', rest] = match;
  // Version ff is invalid; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const context = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED };
  return isSpanContextValid(context) ? context : undefined;
}

function serializeBaggage(entries: [string, BaggageEntry][]): string {
  let out = '';
  let count = 0;
  for (const [key, entry] of entries) {
    let item = `${encodeURIComponent(key)}=${encodeURIComponent(entry.value)}`;
    const metadata = entry.metadata?.toString();
    if (metadata) item += `;${metadata}`;
    const next = out ? `${out},${item}` : item;
    if (++count > MAX_BAGGAGE_ENTRIES || next.length > MAX_BAGGAGE_BYTES) break;
    out = next;
  }
  return out;
}

/** `key=value;property,...`; malformed members are skipped, never the whole header. */
export function parseBaggage(value: string): Record<string, BaggageEntry> {
  const entries: Record<string, BaggageEntry> = {};
  if (value.length > MAX_BAGGAGE_BYTES) return entries;
  let count = 0;
  for (const member of value.split(',')) {
    if (++count > MAX_BAGGAGE_ENTRIES) break;
    const [pair, ...properties] = member.split(';');
    const separator = pair?.indexOf('=') ?? -1;
    if (pair === undefined || separator <= 0) continue;
    const key = decode(pair.slice(0, separator).trim());
    const entryValue = decode(pair.slice(separator + 1).trim());
    if (!key || entryValue === undefined) continue;
    entries[key] =
      properties.length > 0
        ? { value: entryValue, metadata: baggageEntryMetadataFromString(properties.join(';')) }
        : { value: entryValue };
  }
  return entries;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
