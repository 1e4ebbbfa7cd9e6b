import { type ClientRequestEvent, channels, requestTarget } from '../core/diagnostics.js';
import type { Transport } from '../core/transport.js';
import { ErlmcpError, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord, type JsonRpcNotification } from '../jsonrpc/message.js';
import { MetaKey } from '../protocol/meta-keys.js';
import { methodsWhere, staleAfter } from '../protocol/methods.js';
import type {
  ClientCapabilities,
  Implementation,
  LoggingLevel,
  Root,
  ServerCapabilities,
} from '../protocol/types.js';
import type { Era } from '../protocol/versions.js';
import { ClientSession, type ProgressInfo } from './client-session.js';
import { InputFulfiller } from './input-fulfiller.js';
import { cacheKey, ListCache } from './list-cache.js';
import { type Negotiated, negotiate } from './negotiate.js';
import { CLIENT_DEFAULTS, type ClientOptions, type InputHandler } from './options.js';
import { pickCallOptions } from './paging.js';
import { CircuitBreaker } from './resilience/circuit-breaker.js';
import { checkResultShape } from './results.js';
import type { Subscription } from './subscription.js';

export interface CallOptions {
  signal?: AbortSignal;
  /** Idle timeout of this call (progress resets it), capped by the client's hard maximum. */
  timeoutMs?: number;
  onProgress?: (progress: ProgressInfo) => void;
  /** Extra `_meta` entries (e.g. trace context). */
  meta?: Record<string, unknown>;
  /**
   * Answers this call's 2026 `InputRequiredResult` entries instead of the client's handlers (a
   * gateway hands them to its own caller).
   */
  onInput?: InputHandler;
  /**
   * 2026: the client capabilities this request declares instead of the client's own (a gateway
   * declares what its caller can answer). Ignored on a 2025 session (declared at initialize).
   */
  capabilities?: ClientCapabilities;
}

/** Methods whose 2026 answer may be an `InputRequiredResult`. */
const MRTR_METHODS = methodsWhere('mayRequireInput');
const CACHEABLE = methodsWhere('cacheable');

type NotificationHandler = (params: Record<string, unknown>) => void;

/**
 * The connection half of Client: era negotiation, the request path (envelope, cache, MRTR rounds),
 * notifications and roots. `Client` adds the typed MCP methods on top.
 */
export class ClientCore {
  protected readonly options: ClientOptions;
  protected readonly fulfiller: InputFulfiller;
  protected readonly cache = new ListCache();
  protected readonly notificationHandlers = new Map<string, Set<NotificationHandler>>();
  protected session: ClientSession | undefined;
  protected negotiated: Negotiated | undefined;
  protected logLevel: LoggingLevel | undefined;
  protected readonly subscriptions = new Set<Subscription>();
  readonly #disconnectListeners = new Set<(error: Error | undefined) => void>();
  #closing = false;
  /** Every request to the server runs through it, when configured. */
  readonly circuitBreaker: CircuitBreaker | undefined;

  constructor(
    readonly info: Implementation,
    options: ClientOptions = {},
  ) {
    this.options = options;
    this.fulfiller = new InputFulfiller(options);
    this.logLevel = options.logLevel;
    const breaker = options.circuitBreaker;
    this.circuitBreaker =
      breaker === undefined || breaker instanceof CircuitBreaker ? breaker : new CircuitBreaker(breaker);
  }

  get era(): Era | undefined {
    return this.negotiated?.era;
  }
  get protocolVersion(): string | undefined {
    return this.negotiated?.protocolVersion;
  }
  get serverInfo(): Implementation | undefined {
    return this.negotiated?.serverInfo;
  }
  get serverCapabilities(): ServerCapabilities | undefined {
    return this.negotiated?.capabilities;
  }
  get instructions(): string | undefined {
    return this.negotiated?.instructions;
  }
  get connected(): boolean {
    return this.session !== undefined && !this.session.closed;
  }

  /** Connects and negotiates; `serverKey` lets `auto` remember a server's era (stdio: its command line). */
  async connect(transport: Transport, options: { serverKey?: string } = {}): Promise<void> {
    if (this.session && !this.session.closed)
      throw new ErlmcpError('ERR_NOT_CONNECTED', 'Client is already connected');
    const session = new ClientSession(transport, {
      onRequest: (method, params, signal) => this.fulfiller.fulfil(method, params, signal),
      onNotification: (notification) => this.handleNotification(notification),
      onClose: (error) => {
        this.cache.clear();
        // Only a connection lost under the client's feet is news; close() was asked for.
        if (this.session === session && !this.#closing)
          for (const listener of this.#disconnectListeners) listener(error);
      },
      diagnostic: (message) => this.options.onDiagnostic?.(message),
    });
    this.session = session;
    const timeouts = this.timeouts(undefined);
    try {
      // One breaker outcome per connect: a 2025 server's refused `server/discover` probe is not a failure.
      this.negotiated = await this.guarded(() =>
        negotiate(
          {
            probeTimeoutMs: this.options.probeTimeoutMs ?? CLIENT_DEFAULTS.probeTimeoutMs,
            requestTimeoutMs: timeouts.timeoutMs,
            modernRequest: (method, version, timeoutMs) =>
              session.request(method, { _meta: this.envelope(version) }, { ...timeouts, timeoutMs }),
            initialize: async (version) => {
              const result = await session.request(
                'initialize',
                {
                  protocolVersion: version,
                  capabilities: this.fulfiller.capabilities(),
                  clientInfo: this.info,
                },
                timeouts,
              );
              session.notify('notifications/initialized');
              return result;
            },
          },
          this.options.versionNegotiation ?? 'auto',
          options.serverKey ?? transport.serverKey,
        ),
      );
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    try {
      await this.session?.close();
    } finally {
      this.#closing = false;
    }
  }

  /** Called when the connection is lost (not on `close()`); returns the unsubscribe. See `keepConnected`. */
  onDisconnect(listener: (error: Error | undefined) => void): () => void {
    this.#disconnectListeners.add(listener);
    return () => this.#disconnectListeners.delete(listener);
  }

  /** Changes the roots offered to servers; 2025 sessions get `notifications/roots/list_changed`. */
  setRoots(roots: Root[]): void {
    this.fulfiller.roots = roots;
    if (this.negotiated?.era === 'legacy') this.session?.notify('notifications/roots/list_changed');
  }

  /** Subscribes to a server notification (e.g. `notifications/message`); returns the unsubscribe. */
  onNotification(method: string, handler: NotificationHandler): () => void {
    let handlers = this.notificationHandlers.get(method);
    if (!handlers) {
      handlers = new Set();
      this.notificationHandlers.set(method, handlers);
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  // --- the request path -------------------------------------------------------------------------

  /**
   * Sends any request with the era's envelope, serves cacheable 2026 results from the cache, and
   * fulfils `InputRequiredResult` rounds through the registered handlers.
   */
  async request(
    method: string,
    params: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const session = this.requireSession();
    const negotiated = this.requireNegotiated();
    const key =
      CACHEABLE.has(method) && this.options.listCache !== false ? cacheKey(method, params) : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached) return cached;
    // Observability: built only when someone listens; subscribers may add `_meta` (trace context).
    const event =
      channels.clientRequestStart.hasSubscribers || channels.clientRequestEnd.hasSubscribers
        ? startClientEvent(method, params, negotiated)
        : undefined;
    const meta = event ? mergeMeta(options.meta, event.meta) : options.meta;
    const maxRounds = this.options.maxInputRounds ?? CLIENT_DEFAULTS.maxInputRounds;
    let current = params;
    try {
      for (let round = 0; ; round++) {
        const sent = this.withMeta(negotiated, current, meta, options.capabilities);
        // Each round is guarded, not the whole loop: input handlers' failures are not the server's.
        const result = await this.guarded(() =>
          session.request(method, sent, {
            ...this.timeouts(options.timeoutMs),
            ...pickCallOptions(options),
          }),
        );
        const resultType = result.resultType ?? 'complete';
        if (resultType === 'complete' || resultType === 'task') {
          checkResultShape(method, result);
          if (key !== undefined && round === 0 && negotiated.era === 'modern') this.cache.put(key, result);
          if (event) endClientEvent(event, result, undefined);
          return result;
        }
        if (resultType !== 'input_required' || !MRTR_METHODS.has(method)) {
          throw new ErlmcpError(
            'ERR_INVALID_RESPONSE',
            `Unknown resultType "${String(resultType)}" for ${method}`,
          );
        }
        if (round + 1 >= maxRounds) {
          throw new ErlmcpError(
            'ERR_INPUT_ROUNDS_EXCEEDED',
            `${method} still needed input after ${maxRounds} rounds`,
          );
        }
        current = await this.retryParams(params, result, options.signal, options.onInput);
      }
    } catch (error) {
      if (event) endClientEvent(event, undefined, error);
      throw error;
    }
  }

  /** The one place a wire result becomes a typed one; `checkResultShape` vouched for its shape. */
  protected call<T>(
    method: string,
    params: Record<string, unknown>,
    options: CallOptions | undefined,
  ): Promise<T> {
    return this.request(method, params, options) as Promise<unknown> as Promise<T>;
  }

  protected async retryParams(
    original: Record<string, unknown>,
    result: Record<string, unknown>,
    signal: AbortSignal | undefined,
    onInput?: InputHandler,
  ) {
    const inputRequests = isPlainRecord(result.inputRequests) ? result.inputRequests : {};
    const inputResponses = await this.fulfiller.fulfilAll(inputRequests, signal, onInput);
    const next: Record<string, unknown> = { ...original, inputResponses };
    if (typeof result.requestState === 'string') next.requestState = result.requestState;
    return next;
  }

  protected guarded<T>(send: () => Promise<T>): Promise<T> {
    return this.circuitBreaker ? this.circuitBreaker.run(send) : send();
  }

  protected withMeta(
    negotiated: Negotiated,
    params: Record<string, unknown>,
    extra: Record<string, unknown> | undefined,
    capabilities?: ClientCapabilities,
  ) {
    if (negotiated.era === 'legacy') return extra ? { ...params, _meta: { ...extra } } : params;
    return {
      ...params,
      _meta: { ...(extra ?? {}), ...this.envelope(negotiated.protocolVersion, capabilities) },
    };
  }

  protected envelope(version: string, capabilities?: ClientCapabilities): Record<string, unknown> {
    const envelope: Record<string, unknown> = {
      [MetaKey.protocolVersion]: version,
      [MetaKey.clientInfo]: this.info,
      [MetaKey.clientCapabilities]: capabilities ?? this.fulfiller.capabilities(),
    };
    if (this.logLevel !== undefined) envelope[MetaKey.logLevel] = this.logLevel;
    return envelope;
  }

  protected timeouts(timeoutMs: number | undefined) {
    const max = this.options.maxRequestTimeoutMs ?? CLIENT_DEFAULTS.maxRequestTimeoutMs;
    return {
      timeoutMs: Math.min(
        timeoutMs ?? this.options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
        max,
      ),
      maxTotalTimeoutMs: max,
    };
  }

  protected handleNotification(notification: JsonRpcNotification): void {
    const invalidated = staleAfter(notification.method);
    if (invalidated) this.cache.invalidate(invalidated);
    const params = notification.params ?? {};
    if (notification.method === 'notifications/resources/updated' && typeof params.uri === 'string') {
      this.cache.invalidate(cacheKey('resources/read', { uri: params.uri }));
    }
    for (const subscription of this.subscriptions)
      if (subscription.deliver(notification.method, params)) break;
    const handlers = this.notificationHandlers.get(notification.method);
    if (!handlers || handlers.size === 0) {
      this.options.onDiagnostic?.(`no handler for ${notification.method}`);
      return;
    }
    for (const handler of handlers) {
      try {
        handler(params);
      } catch (error) {
        this.options.onDiagnostic?.(
          `notification handler for ${notification.method} threw: ${String(error)}`,
        );
      }
    }
  }

  protected requireSession(): ClientSession {
    if (!this.session) throw new ErlmcpError('ERR_NOT_CONNECTED', 'Client is not connected');
    return this.session;
  }

  protected requireNegotiated(): Negotiated {
    if (!this.negotiated) throw new ErlmcpError('ERR_NOT_CONNECTED', 'Client is not connected');
    return this.negotiated;
  }
}

function startClientEvent(
  method: string,
  params: Record<string, unknown>,
  negotiated: Negotiated,
): ClientRequestEvent {
  const event: ClientRequestEvent = {
    method,
    target: requestTarget(method, params),
    era: negotiated.era,
    protocolVersion: negotiated.protocolVersion,
    params,
    meta: {},
    startedAt: performance.now(),
  };
  channels.clientRequestStart.publish(event);
  return event;
}

function endClientEvent(
  event: ClientRequestEvent,
  result: Record<string, unknown> | undefined,
  error: unknown,
): void {
  event.durationMs = performance.now() - event.startedAt;
  if (result === undefined) {
    event.outcome = 'error';
    event.error = error;
    if (error instanceof McpError) event.errorCode = error.code;
  } else event.outcome = result.isError === true ? 'tool_error' : 'ok';
  channels.clientRequestEnd.publish(event);
}

/** The caller's `_meta` entries plus the subscribers'; the caller's object when they added none. */
function mergeMeta(meta: Record<string, unknown> | undefined, added: Record<string, unknown>) {
  return Object.keys(added).length === 0 ? meta : { ...meta, ...added };
}
