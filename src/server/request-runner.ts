import { ErlmcpError, McpError, methodNotFound, toWireError } from '../jsonrpc/errors.js';
import {
  errorResponse,
  type JsonRpcRequest,
  type JsonRpcResponse,
  resultResponse,
} from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey } from '../protocol/meta-keys.js';
import { supportsFeature } from '../protocol/revisions.js';
import type { ServerCore } from './core.js';
import type { Exchange } from './exchange.js';
import type { Result } from './handlers/handler-types.js';
import {
  CACHEABLE_METHODS,
  LEGACY_METHODS,
  LEGACY_TASK_METHODS,
  LONG_LIVED_METHODS,
  MODERN_METHODS,
  MODERN_TASK_METHODS,
} from './methods.js';
import { type Incoming, resolveExchange } from './resolve-exchange.js';

/** Why a request's signal was aborted; the runner answers differently for each. */
export class RequestCancelled extends Error {
  override readonly name = 'RequestCancelled';
}

/**
 * Runs one request to completion on any transport: era resolution, method lookup, the idle timeout
 * (reset by progress, capped by the hard maximum), and the one conversion of thrown errors to wire
 * errors. Resolves to undefined when the client cancelled (no response may be sent then).
 */
export async function runRequest(
  core: ServerCore,
  request: JsonRpcRequest,
  incoming: Incoming,
  controller: AbortController,
): Promise<JsonRpcResponse | undefined> {
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let timedOut: ((error: McpError) => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timedOut = reject;
  });
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const error = new McpError(
        ErrorCode.InternalError,
        `Request timed out after ${Date.now() - startedAt} ms`,
        {
          reason: 'timeout',
        },
      );
      controller.abort(new ErlmcpError('ERR_REQUEST_TIMEOUT', error.message));
      timedOut?.(error);
    }, ms);
  };
  const touch = () => {
    const left = core.maxRequestTimeoutMs - (Date.now() - startedAt);
    if (timer !== undefined && left > 0) arm(Math.min(core.requestTimeoutMs, left));
  };
  let exchange: Exchange | undefined;
  try {
    exchange = resolveExchange(request, incoming, controller.signal, touch);
    const handler = lookup(core, exchange);
    if (!LONG_LIVED_METHODS.has(exchange.method))
      arm(Math.min(core.requestTimeoutMs, core.maxRequestTimeoutMs));
    const result = await Promise.race([handler(core, exchange), timeout]);
    if (controller.signal.aborted && controller.signal.reason instanceof RequestCancelled) return undefined;
    return resultResponse(
      request.id,
      exchange.era === 'modern' ? decorateModern(core, exchange, result) : result,
    );
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof RequestCancelled) return undefined;
    if (!(error instanceof McpError)) reportUnexpected(core, request, error);
    return errorResponse(request.id, toWireError(error));
  } finally {
    clearTimeout(timer);
  }
}

function lookup(core: ServerCore, exchange: Exchange) {
  const method = exchange.method;
  if (exchange.era === 'modern') {
    const handler = MODERN_METHODS.get(method);
    if (!handler || (MODERN_TASK_METHODS.has(method) && !core.tasks)) throw methodNotFound(method);
    return handler;
  }
  const handler = LEGACY_METHODS.get(method);
  if (!handler) throw methodNotFound(method);
  if (
    LEGACY_TASK_METHODS.has(method) &&
    (!core.tasks || !supportsFeature(exchange.protocolVersion, 'tasks'))
  ) {
    throw methodNotFound(method);
  }
  return handler;
}

/** 2026 results: `resultType`, cache hints on cacheable methods, and serverInfo in `_meta`. */
function decorateModern(core: ServerCore, exchange: Exchange, result: Result): Result {
  const resultType = result.resultType ?? 'complete';
  const decorated: Result = { ...result, resultType };
  if (resultType === 'complete' && CACHEABLE_METHODS.has(exchange.method)) {
    decorated.ttlMs ??= core.cacheTtlMs;
    decorated.cacheScope ??= core.cacheScope;
  }
  const meta = result._meta;
  decorated._meta =
    meta && typeof meta === 'object'
      ? { ...meta, [MetaKey.serverInfo]: core.serverInfo }
      : { [MetaKey.serverInfo]: core.serverInfo };
  return decorated;
}

function reportUnexpected(core: ServerCore, request: JsonRpcRequest, error: unknown): void {
  if (error instanceof ErlmcpError) return;
  core.diagnostic(`handler for ${request.method} failed`, error);
}
