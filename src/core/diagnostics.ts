import diagnostics_channel from 'node:diagnostics_channel';
import { methodRow } from '../protocol/methods.js';
import type { RequestId } from '../protocol/types.js';

/**
 * What erlmcp reports about itself, on `node:diagnostics_channel` channels named
 * `erlmcp:<area>:<event>`. Metrics, traces, logs and the observer subscribe; publishers check
 * `hasSubscribers` first, so nothing is built when no one listens.
 */
export const channels = {
  requestStart: diagnostics_channel.channel('erlmcp:request:start'),
  requestEnd: diagnostics_channel.channel('erlmcp:request:end'),
  sessionOpen: diagnostics_channel.channel('erlmcp:session:open'),
  sessionClose: diagnostics_channel.channel('erlmcp:session:close'),
  streamOpen: diagnostics_channel.channel('erlmcp:stream:open'),
  streamClose: diagnostics_channel.channel('erlmcp:stream:close'),
  refused: diagnostics_channel.channel('erlmcp:limit:refused'),
  restart: diagnostics_channel.channel('erlmcp:supervisor:restart'),
  bytes: diagnostics_channel.channel('erlmcp:transport:bytes'),
  clientRequestStart: diagnostics_channel.channel('erlmcp:client:request:start'),
  clientRequestEnd: diagnostics_channel.channel('erlmcp:client:request:end'),
} as const;

/** The transport a request or session arrived on. */
export type TransportName = 'stdio' | 'http' | 'sse' | 'ws' | 'tcp' | 'memory' | (string & {});

/** `erlmcp:request:start`; the same object (mutated) is published at `erlmcp:request:end`. */
export interface RequestEvent {
  id: RequestId;
  method: string;
  /** The tool, prompt or resource URI the request names (`tools/call` name, `prompts/get` name, …). */
  target: string | undefined;
  era: 'legacy' | 'modern' | undefined;
  transport: TransportName;
  sessionId: string | undefined;
  principal: string | undefined;
  /** The request's params (`_meta` carries 2026 trace context): read-only for subscribers. */
  params: Record<string, unknown>;
  /** performance.now() at the start. */
  startedAt: number;
  /** Set at end. */
  durationMs?: number;
  /** `ok`, `tool_error` (a tool result with isError), `error` (JSON-RPC error), `cancelled`. */
  outcome?: 'ok' | 'tool_error' | 'error' | 'cancelled';
  errorCode?: number;
  /** Free slot for one subscriber to keep per-request state (a span) between start and end. */
  context?: Map<symbol, unknown>;
  /** The negotiated revision; set with `era`, after the start. */
  protocolVersion?: string;
  /** HTTP: the request's headers (W3C trace context), read-only for subscribers. */
  headers?: HeaderCarrier;
}

/** Request headers as `node:http` gives them (lower-case names). */
export type HeaderCarrier = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Set while a tracer is on: runs a request's handler inside the request's trace context, so spans the
 * handler starts are its children. Unset, the runner calls the handler directly (no closure, no cost).
 */
export interface HandlerScope {
  run<A extends unknown[], R>(event: RequestEvent, fn: (...args: A) => R, ...args: A): R;
}
export const handlerScope: { current: HandlerScope | undefined } = { current: undefined };

/**
 * `erlmcp:client:request:start` / `end`: one outbound client call (all its input rounds), the same
 * object mutated at the end. Subscribers may add `_meta` entries (trace context) to `meta` at start.
 */
export interface ClientRequestEvent {
  method: string;
  target: string | undefined;
  era: 'legacy' | 'modern';
  protocolVersion: string;
  /** The call's params before the envelope; read-only for subscribers. */
  params: Record<string, unknown>;
  /** Entries merged into every round's `_meta` (subscribers write trace context here). */
  meta: Record<string, unknown>;
  startedAt: number;
  durationMs?: number;
  outcome?: 'ok' | 'tool_error' | 'error';
  /** The JSON-RPC code of an error answer. */
  errorCode?: number;
  /** What the call threw (an `McpError`, a timeout, …). */
  error?: unknown;
  context?: Map<symbol, unknown>;
}

export interface SessionEvent {
  sessionId: string;
  transport: TransportName;
  protocolVersion: string;
  clientName: string | undefined;
  principal: string | undefined;
}

export interface StreamEvent {
  transport: TransportName;
  sessionId: string | undefined;
}

export interface RefusedEvent {
  method: string;
  reason: string;
  limit: string | undefined;
  transport: TransportName;
}

export interface RestartEvent {
  /** What was restarted: `worker` (cluster) or `upstream` (a client's connection). */
  kind: 'worker' | 'upstream';
  id: string;
  reason: string;
  /** Restarts within the current budget window, including this one. */
  count: number;
}

export interface BytesEvent {
  transport: TransportName;
  direction: 'in' | 'out';
  bytes: number;
}

/**
 * Counts bytes a server transport read or wrote (message payloads as framed on the wire: ndjson
 * lines, WebSocket text frames, HTTP bodies, SSE events). Callers test `channels.bytes.hasSubscribers`
 * first when measuring costs something (the UTF-8 length of a string).
 */
export function publishBytes(transport: TransportName, direction: 'in' | 'out', bytes: number): void {
  channels.bytes.publish({ transport, direction, bytes } satisfies BytesEvent);
}

/** The session event of a 2025 session record. */
export function sessionEvent(
  session: { id: string; protocolVersion: string; clientInfo?: { name?: string } | undefined },
  transport: string | undefined,
  principal: string | undefined,
): SessionEvent {
  return {
    sessionId: session.id,
    transport: transport ?? 'custom',
    protocolVersion: session.protocolVersion,
    clientName: session.clientInfo?.name,
    principal,
  };
}

/** The name a request is about, for per-tool metrics and spans. */
export function requestTarget(method: string, params: Record<string, unknown>): string | undefined {
  const field = methodRow(method)?.target;
  const value = field === undefined ? undefined : params[field];
  return typeof value === 'string' ? value : undefined;
}
