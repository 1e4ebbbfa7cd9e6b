import type { CallOptions } from '../client/client-core.js';
import { ErlmcpError, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey, TASKS_EXTENSION } from '../protocol/meta-keys.js';
import type { ClientCapabilities } from '../protocol/types.js';
import { HandlerContext } from '../server/context.js';
import type { Exchange } from '../server/exchange.js';
import type { Result } from '../server/handlers/handler-types.js';
import { type InputChannel, InputRequiredSignal } from '../server/input-channel.js';
import { type DownstreamCall, downstreamOf } from './downstream-call.js';
import type { Upstream } from './upstream.js';

/**
 * One request relayed to an upstream on behalf of a downstream request: its cancellation, progress
 * and log level go up; what the upstream asks for and logs comes back in the downstream's era.
 * When a 2026 caller must first answer an input request, the upstream call is cancelled and the
 * retry runs it again with the answer recorded (deterministic replay).
 */
export async function forward(
  upstream: Upstream,
  method: string,
  params: Record<string, unknown>,
  exchange: Exchange,
  input: InputChannel | undefined,
  /** Declare the tasks extension upstream: a 2026 upstream may answer with a task of its own. */
  upstreamTasks = false,
): Promise<Result> {
  const cancel = new AbortController();
  // Not `exchange.signal`: creating it and listening on it cost more than the rest of this function.
  const stopFollowing = exchange.onAbort((reason) => cancel.abort(reason));
  const ctx = input ? new HandlerContext(exchange, input) : undefined;
  const downstream = ctx ? stopOnInputRequired(downstreamOf(ctx), cancel) : undefined;
  const options: CallOptions = { signal: cancel.signal };
  // A 2026 upstream asks only for what the caller can answer (it declares per request).
  if (ctx) options.capabilities = relayable(exchange.clientCapabilities);
  if (upstreamTasks)
    options.capabilities = { ...options.capabilities, extensions: { [TASKS_EXTENSION]: {} } };
  if (ctx && exchange.progressToken !== undefined)
    options.onProgress = (progress) => void ctx.progress(progress.progress, progress.total, progress.message);
  const level = downstreamLogLevel(exchange);
  if (level !== undefined) options.meta = { [MetaKey.logLevel]: level };
  try {
    return fromUpstream(exchange, await upstream.request(method, params, options, downstream));
  } catch (error) {
    throw toDownstreamError(upstream, method, exchange, error);
  } finally {
    stopFollowing();
  }
}

/**
 * A 2026 caller's missing answer ends the round: the upstream call it was for is cancelled. The
 * upstream's keys pass through; one it uses again in a later round is renamed (`key~2`), or the
 * replay would hand that round the earlier round's answer.
 */
function stopOnInputRequired(downstream: DownstreamCall, cancel: AbortController): DownstreamCall {
  const seen = new Map<string, number>();
  return {
    log: (params) => downstream.log(params),
    answer: async (method, params, key) => {
      let downstreamKey = key;
      if (key !== undefined) {
        const times = (seen.get(key) ?? 0) + 1;
        seen.set(key, times);
        if (times > 1) downstreamKey = `${key}~${times}`;
      }
      try {
        return await downstream.answer(method, params, downstreamKey);
      } catch (error) {
        if (error instanceof InputRequiredSignal) cancel.abort(error);
        throw error;
      }
    },
  };
}

/** What of the caller's capabilities the gateway relays: input requests (its tasks are its own). */
function relayable(caps: ClientCapabilities): ClientCapabilities {
  const out: ClientCapabilities = {};
  if (caps.elicitation !== undefined) out.elicitation = caps.elicitation;
  if (caps.sampling !== undefined) out.sampling = caps.sampling;
  if (caps.roots !== undefined) out.roots = caps.roots;
  return out;
}

/** The level the upstream should log at for this caller: 2025 sessions default to everything. */
function downstreamLogLevel(exchange: Exchange): string | undefined {
  if (exchange.era === 'modern') return exchange.logLevel;
  return exchange.session?.logLevel ?? 'debug';
}

/**
 * The upstream's result as the gateway's own: no `resultType` (the gateway sets its own; a task
 * handle keeps `task`, for the gateway to follow), no upstream serverInfo, and no 2026 cache hints
 * for a 2025 caller.
 */
export function fromUpstream(exchange: Exchange, result: Record<string, unknown>): Result {
  const out: Result = {};
  for (const key in result) {
    if (key === 'resultType' && result.resultType !== 'task') continue;
    if (exchange.era === 'legacy' && (key === 'ttlMs' || key === 'cacheScope')) continue;
    out[key] = result[key];
  }
  const meta = out._meta;
  if (isPlainRecord(meta) && MetaKey.serverInfo in meta) {
    const { [MetaKey.serverInfo]: _server, ...rest } = meta;
    if (Object.keys(rest).length === 0) delete out._meta;
    else out._meta = rest;
  }
  return out;
}

/**
 * What the caller sees of a failure: the upstream's JSON-RPC errors as they are (a resource not
 * found in the caller's era's code); a transport failure, timeout or open circuit as -32603 naming
 * the upstream. Cancellation and input rounds pass through for the server to handle.
 */
function toDownstreamError(upstream: Upstream, method: string, exchange: Exchange, error: unknown): unknown {
  if (error instanceof InputRequiredSignal) return error;
  if (error instanceof McpError) return resourceNotFoundInEra(method, exchange, error);
  if (error instanceof ErlmcpError && error.code === 'ERR_REQUEST_CANCELLED') {
    if (exchange.aborted) return error;
    const reason = error.cause ?? (error as { reason?: unknown }).reason;
    if (reason instanceof InputRequiredSignal) return reason;
  }
  if (error instanceof ErlmcpError && error.cause instanceof InputRequiredSignal) return error.cause;
  const reason = error instanceof Error ? error.message : String(error);
  const data: Record<string, unknown> = { upstream: upstream.name };
  if (error instanceof ErlmcpError) data.code = error.code;
  if (error instanceof ErlmcpError && 'retryAfterMs' in error) data.retryAfterMs = error.retryAfterMs;
  return new McpError(ErrorCode.InternalError, `Upstream ${upstream.name}: ${reason}`, data);
}

function resourceNotFoundInEra(method: string, exchange: Exchange, error: McpError): McpError {
  if (method !== 'resources/read') return error;
  const notFound =
    error.code === ErrorCode.LegacyResourceNotFound ||
    (error.code === ErrorCode.InvalidParams && /not found/i.test(error.message));
  if (!notFound) return error;
  const code = exchange.era === 'modern' ? ErrorCode.InvalidParams : ErrorCode.LegacyResourceNotFound;
  return code === error.code ? error : new McpError(code, error.message, error.data);
}
