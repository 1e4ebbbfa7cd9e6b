import {
  channels,
  type HeaderCarrier,
  handlerScope,
  type RequestEvent,
  requestTarget,
} from '../core/diagnostics.js';
import type { Deadline } from '../jsonrpc/deadlines.js';
import { ErlmcpError, McpError, methodNotFound, toWireError } from '../jsonrpc/errors.js';
import type { LazyAbort } from '../jsonrpc/lazy-abort.js';
import {
  errorResponse,
  type JsonRpcRequest,
  type JsonRpcResponse,
  resultResponse,
} from '../jsonrpc/message.js';
import { deepParamsError } from '../jsonrpc/nesting.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey, TASKS_EXTENSION } from '../protocol/meta-keys.js';
import { supportsFeature } from '../protocol/revisions.js';
import { missingCapability } from './context.js';
import type { ServerCore } from './core.js';
import type { Exchange } from './exchange.js';
import type { MaybePromise, Result } from './handlers/handler-types.js';
import {
  CACHEABLE_METHODS,
  LONG_LIVED_METHODS,
  MODERN_TASK_METHODS,
  modernMethodsOf,
  SESSION_TASK_METHODS,
  sessionMethodsOf,
} from './methods.js';
import { type Incoming, type ProgressListener, resolveExchange } from './resolve-exchange.js';
import { insufficientScope, missingScopes, requiredScopes } from './scopes.js';

/** A request with credentials runs only when they hold every scope it needs (any transport). */
function checkScopes(core: ServerCore, exchange: Exchange): void {
  const needed = requiredScopes(core, exchange.method, exchange.params);
  if (missingScopes(needed, exchange.auth!.scopes).length > 0) throw insufficientScope(needed);
}

/** Why a request's signal was aborted; the runner answers differently for each. */
export class RequestCancelled extends Error {
  override readonly name = 'RequestCancelled';
}

/**
 * Runs one request to completion on any transport: era resolution, method lookup, the idle timeout
 * (reset by progress, capped by the hard maximum), and the one conversion of thrown errors to wire
 * errors. Resolves to undefined when the client cancelled (no response may be sent then).
 * `headers` (HTTP) reach observability subscribers only (trace context).
 */
export function runRequest(
  core: ServerCore,
  request: JsonRpcRequest,
  incoming: Incoming,
  abort: LazyAbort,
  headers?: HeaderCarrier,
): Promise<JsonRpcResponse | undefined> {
  return new Promise((resolve) => serveRequest(core, request, incoming, abort, resolve, headers));
}

/**
 * `runRequest` with a callback, for transports' hot paths: a handler that answers synchronously is
 * answered before this returns, with no promise, timer or supervisor entry (nothing can interrupt
 * it); only a pending handler gets its deadline and an entry the supervisor can end on drain.
 */
export function serveRequest(
  core: ServerCore,
  request: JsonRpcRequest,
  incoming: Incoming,
  abort: LazyAbort,
  done: (response: JsonRpcResponse | undefined) => void,
  headers?: HeaderCarrier,
): void {
  new RequestRun(core, request, abort, done).start(incoming, headers);
}

/** One request being served: an object with methods rather than closures, one allocation a request. */
class RequestRun implements ProgressListener {
  #event: RequestEvent | undefined;
  #exchange: Exchange | undefined;
  #startedAt = 0;
  #deadline: Deadline | undefined;
  #release: (() => void) | undefined;
  #settled = false;

  constructor(
    private readonly core: ServerCore,
    private readonly request: JsonRpcRequest,
    private readonly abort: LazyAbort,
    private readonly done: (response: JsonRpcResponse | undefined) => void,
  ) {}

  start(incoming: Incoming, headers: HeaderCarrier | undefined): void {
    const { core, request } = this;
    // Observability: built only when someone listens (diagnostics_channel subscribers).
    const event =
      channels.requestStart.hasSubscribers || channels.requestEnd.hasSubscribers
        ? startEvent(request, incoming, headers)
        : undefined;
    this.#event = event;
    let outcome: MaybePromise<Result>;
    try {
      const exchange = resolveExchange(request, incoming, this.abort, this);
      this.#exchange = exchange;
      if (event) {
        event.era = exchange.era;
        event.protocolVersion = exchange.protocolVersion;
      }
      const handler = lookup(core, exchange);
      if (exchange.auth) checkScopes(core, exchange);
      // A tracer runs the handler inside the request's span; otherwise a plain call.
      const scope = handlerScope.current;
      outcome = event && scope ? scope.run(event, handler, core, exchange) : handler(core, exchange);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (outcome instanceof Promise) this.#await(outcome);
    else this.#succeed(outcome);
  }

  /** A pending handler: it gets a deadline, and the supervisor may end it when a drain runs out. */
  #await(outcome: Promise<Result>): void {
    const { core, request, abort } = this;
    const startedAt = Date.now();
    this.#startedAt = startedAt;
    if (!LONG_LIVED_METHODS.has(request.method)) {
      this.#deadline = core.deadlines.add(
        startedAt + Math.min(core.requestTimeoutMs, core.maxRequestTimeoutMs),
        () => {
          const message = `Request timed out after ${Date.now() - startedAt} ms`;
          abort.abort(new ErlmcpError('ERR_REQUEST_TIMEOUT', message));
          this.#finish(
            errorResponse(request.id, {
              code: ErrorCode.InternalError,
              message,
              data: { reason: 'timeout' },
            }),
          );
        },
      );
    }
    this.#release = core.supervisor.enter((error) => {
      abort.abort(error);
      this.#finish(errorResponse(request.id, error.toJson()));
    });
    outcome.then(
      (result) => this.#succeed(result),
      (error: unknown) => this.#fail(error),
    );
  }

  /** Progress moves the deadline to now + timeout, never past the hard maximum. */
  touch(): void {
    const deadline = this.#deadline;
    if (deadline === undefined) return;
    const core = this.core;
    core.deadlines.update(
      deadline,
      Math.min(Date.now() + core.requestTimeoutMs, this.#startedAt + core.maxRequestTimeoutMs),
    );
  }

  #succeed(result: Result): void {
    let response: JsonRpcResponse;
    try {
      const exchange = this.#exchange!;
      response = resultResponse(
        this.request.id,
        exchange.era === 'modern' ? decorateModern(this.core, exchange, result) : result,
      );
    } catch (error) {
      // A handler that resolved to something that is not a result object.
      this.#fail(error);
      return;
    }
    this.#finish(response);
  }

  #fail(error: unknown): void {
    // A client's deeply nested params that overflowed a recursive step are its bad params, not our fault.
    const failure = deepParamsError(error, this.request.params) ?? error;
    if (!(failure instanceof McpError)) reportUnexpected(this.core, this.request, failure);
    this.#finish(errorResponse(this.request.id, toWireError(failure)));
  }

  #finish(response: JsonRpcResponse): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#release?.();
    if (this.#deadline !== undefined) this.core.deadlines.remove(this.#deadline);
    const abort = this.abort;
    const delivered = abort.aborted && abort.reason instanceof RequestCancelled ? undefined : response;
    if (this.#event) endEvent(this.#event, delivered);
    try {
      this.done(delivered);
    } catch (error) {
      // The transport failed to deliver: reported, never an unhandled rejection of the handler's promise.
      this.core.diagnostic(`delivering the response to ${this.request.method} failed`, error);
    }
  }
}

function lookup(core: ServerCore, exchange: Exchange) {
  const method = exchange.method;
  if (exchange.era === 'modern') {
    const handler = modernMethodsOf(core).get(method);
    if (!handler || (MODERN_TASK_METHODS.has(method) && !core.tasks)) throw methodNotFound(method);
    if (MODERN_TASK_METHODS.has(method) && !core.modernTasksEnabled(exchange)) {
      throw missingCapability({ extensions: { [TASKS_EXTENSION]: {} } }, 'the tasks extension');
    }
    return handler;
  }
  const handler = sessionMethodsOf(core).get(method);
  if (!handler) throw methodNotFound(method);
  if (
    SESSION_TASK_METHODS.has(method) &&
    (!core.tasks || !supportsFeature(exchange.protocolVersion, 'tasks'))
  ) {
    throw methodNotFound(method);
  }
  return handler;
}

/** 2026 results: `resultType`, cache hints on cacheable methods, and serverInfo in `_meta`. */
function decorateModern(core: ServerCore, exchange: Exchange, result: Result): Result {
  // A plain copy loop: object spread with extra keys was 13% of the 2026 request path.
  const decorated: Result = { resultType: 'complete' };
  for (const key in result) decorated[key] = result[key];
  if (decorated.resultType === 'complete' && CACHEABLE_METHODS.has(exchange.method)) {
    decorated.ttlMs ??= core.cacheTtlMs;
    decorated.cacheScope ??= core.cacheScope;
  }
  const meta = result._meta;
  if (meta === undefined) decorated._meta = core.serverInfoMeta;
  else if (meta && typeof meta === 'object')
    decorated._meta = { ...meta, [MetaKey.serverInfo]: core.serverInfo };
  return decorated;
}

function reportUnexpected(core: ServerCore, request: JsonRpcRequest, error: unknown): void {
  if (error instanceof ErlmcpError) return;
  core.diagnostic(`handler for ${request.method} failed`, error);
}

function startEvent(
  request: JsonRpcRequest,
  incoming: Incoming,
  headers: HeaderCarrier | undefined,
): RequestEvent {
  const params = request.params ?? {};
  const event: RequestEvent = {
    id: request.id,
    method: request.method,
    target: requestTarget(request.method, params),
    era: undefined,
    transport: incoming.transport ?? 'custom',
    sessionId: incoming.session?.id,
    principal: incoming.principal,
    params,
    startedAt: performance.now(),
  };
  if (headers !== undefined) event.headers = headers;
  channels.requestStart.publish(event);
  return event;
}

function endEvent(event: RequestEvent, response: JsonRpcResponse | undefined): void {
  event.durationMs = performance.now() - event.startedAt;
  if (response === undefined) event.outcome = 'cancelled';
  else if ('error' in response) {
    event.outcome = 'error';
    event.errorCode = response.error.code;
  } else event.outcome = (response.result as { isError?: unknown }).isError === true ? 'tool_error' : 'ok';
  channels.requestEnd.publish(event);
}
