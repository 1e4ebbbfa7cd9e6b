import { ErlmcpError, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord, type JsonRpcNotification } from '../jsonrpc/message.js';
import { MetaKey } from '../protocol/meta-keys.js';
import type {
  Implementation,
  LoggingLevel,
  Root,
  ServerCapabilities,
  SubscriptionFilter,
} from '../protocol/types.js';
import type { Era } from '../protocol/versions.js';
import { type CompiledSchema, compileSchema, formatIssues } from '../schema/index.js';
import type { Transport } from '../transports/transport.js';
import { ClientSession, type ProgressInfo } from './client-session.js';
import { InputFulfiller } from './input-fulfiller.js';
import { cacheKey, ListCache } from './list-cache.js';
import { type Negotiated, negotiate } from './negotiate.js';
import { CLIENT_DEFAULTS, type ClientOptions } from './options.js';
import {
  type CompletionResult,
  checkResultShape,
  type DiscoverResult,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ListToolsResult,
  type PromptResult,
  type ReadResult,
  type ToolResult,
} from './results.js';
import { Subscription } from './subscription.js';
import {
  DEFAULT_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  sleep,
  type TaskHandle,
  TERMINAL,
  taskOutcome,
  toTaskHandle,
} from './tasks.js';

export interface CallOptions {
  signal?: AbortSignal;
  /** Idle timeout of this call (progress resets it), capped by the client's hard maximum. */
  timeoutMs?: number;
  onProgress?: (progress: ProgressInfo) => void;
  /** Extra `_meta` entries (e.g. trace context). */
  meta?: Record<string, unknown>;
}

/** Methods whose 2026 answer may be an `InputRequiredResult`. */
const MRTR_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);
const CACHEABLE = new Set([
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
]);
const LIST_CHANGED: Record<string, string> = {
  'notifications/tools/list_changed': 'tools/list',
  'notifications/prompts/list_changed': 'prompts/list',
  'notifications/resources/list_changed': 'resources/',
};
/** Named limit: pages `listAll*` walks before giving up on a server that never ends its list. */
export const MAX_LIST_PAGES = 1000;

type NotificationHandler = (params: Record<string, unknown>) => void;

/**
 * An MCP client for both protocol eras. It negotiates the era (2026 `server/discover`, or the 2025
 * `initialize` handshake), answers what servers ask (sampling, elicitation, roots) through the same
 * handlers in both eras, and retries 2026 `InputRequiredResult`s automatically.
 */
export class Client {
  readonly #options: ClientOptions;
  readonly #fulfiller: InputFulfiller;
  readonly #cache = new ListCache();
  readonly #notificationHandlers = new Map<string, Set<NotificationHandler>>();
  readonly #outputSchemas = new Map<string, CompiledSchema | undefined>();
  #session: ClientSession | undefined;
  #negotiated: Negotiated | undefined;
  #logLevel: LoggingLevel | undefined;
  readonly #subscriptions = new Set<Subscription>();

  constructor(
    readonly info: Implementation,
    options: ClientOptions = {},
  ) {
    this.#options = options;
    this.#fulfiller = new InputFulfiller(options);
    this.#logLevel = options.logLevel;
  }

  get era(): Era | undefined {
    return this.#negotiated?.era;
  }
  get protocolVersion(): string | undefined {
    return this.#negotiated?.protocolVersion;
  }
  get serverInfo(): Implementation | undefined {
    return this.#negotiated?.serverInfo;
  }
  get serverCapabilities(): ServerCapabilities | undefined {
    return this.#negotiated?.capabilities;
  }
  get instructions(): string | undefined {
    return this.#negotiated?.instructions;
  }
  get connected(): boolean {
    return this.#session !== undefined && !this.#session.closed;
  }

  /** Connects and negotiates; `serverKey` lets `auto` remember a server's era (stdio: its command line). */
  async connect(transport: Transport, options: { serverKey?: string } = {}): Promise<void> {
    if (this.#session && !this.#session.closed)
      throw new ErlmcpError('ERR_NOT_CONNECTED', 'Client is already connected');
    const session = new ClientSession(transport, {
      onRequest: (method, params, signal) => this.#fulfiller.fulfil(method, params, signal),
      onNotification: (notification) => this.#onNotification(notification),
      onClose: () => this.#cache.clear(),
      diagnostic: (message) => this.#options.onDiagnostic?.(message),
    });
    this.#session = session;
    const timeouts = this.#timeouts(undefined);
    try {
      this.#negotiated = await negotiate(
        {
          probeTimeoutMs: this.#options.probeTimeoutMs ?? CLIENT_DEFAULTS.probeTimeoutMs,
          requestTimeoutMs: timeouts.timeoutMs,
          modernRequest: (method, version, timeoutMs) =>
            session.request(method, { _meta: this.#envelope(version) }, { ...timeouts, timeoutMs }),
          initialize: async (version) => {
            const result = await session.request(
              'initialize',
              {
                protocolVersion: version,
                capabilities: this.#fulfiller.capabilities(),
                clientInfo: this.info,
              },
              timeouts,
            );
            session.notify('notifications/initialized');
            return result;
          },
        },
        this.#options.versionNegotiation ?? 'auto',
        options.serverKey ?? transport.serverKey,
      );
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#session?.close();
  }

  // --- primitives -------------------------------------------------------------------------------

  async listTools(params: { cursor?: string } = {}, options?: CallOptions): Promise<ListToolsResult> {
    const result = await this.#call<ListToolsResult>('tools/list', cursorParams(params.cursor), options);
    for (const tool of result.tools) this.#rememberOutputSchema(tool.name, tool.outputSchema);
    return result;
  }

  async listAllTools(options?: CallOptions): Promise<ListToolsResult['tools']> {
    return this.#walk(
      (cursor) => this.listTools({ ...(cursor ? { cursor } : {}) }, options),
      (page) => page.tools,
    );
  }

  /** Calls a tool; `structuredContent` is checked against the tool's `outputSchema` when it is known. */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options?: CallOptions,
  ): Promise<ToolResult> {
    let result = await this.#call<ToolResult>('tools/call', { name, arguments: args }, options);
    // A 2026 server may answer with a task handle (tasks extension): wait for its result.
    if (result.resultType === 'task')
      result = (await this.waitForTask(toTaskHandle(result), options)) as ToolResult;
    const schema = this.#outputSchemas.get(name);
    if (schema && !result.isError && result.resultType !== 'task') {
      if (result.structuredContent === undefined) {
        throw new ErlmcpError(
          'ERR_INVALID_RESPONSE',
          `Tool ${name} declares an outputSchema but returned no structuredContent`,
        );
      }
      const checked = await schema.validate(result.structuredContent);
      if (!checked.ok) {
        throw new ErlmcpError(
          'ERR_INVALID_RESPONSE',
          `Tool ${name} returned structuredContent that does not match its outputSchema: ${formatIssues(checked.issues)}`,
        );
      }
    }
    return result;
  }

  listResources(params: { cursor?: string } = {}, options?: CallOptions): Promise<ListResourcesResult> {
    return this.#call<ListResourcesResult>('resources/list', cursorParams(params.cursor), options);
  }

  listAllResources(options?: CallOptions): Promise<ListResourcesResult['resources']> {
    return this.#walk(
      (cursor) => this.listResources({ ...(cursor ? { cursor } : {}) }, options),
      (page) => page.resources,
    );
  }

  listResourceTemplates(
    params: { cursor?: string } = {},
    options?: CallOptions,
  ): Promise<ListResourceTemplatesResult> {
    return this.#call<ListResourceTemplatesResult>(
      'resources/templates/list',
      cursorParams(params.cursor),
      options,
    );
  }

  readResource(uri: string, options?: CallOptions): Promise<ReadResult> {
    return this.#call<ReadResult>('resources/read', { uri }, options);
  }

  /** 2025 era: `resources/subscribe`. (2026: use `listen`.) */
  async subscribeResource(uri: string, options?: CallOptions): Promise<void> {
    await this.request('resources/subscribe', { uri }, options);
  }

  async unsubscribeResource(uri: string, options?: CallOptions): Promise<void> {
    await this.request('resources/unsubscribe', { uri }, options);
  }

  listPrompts(params: { cursor?: string } = {}, options?: CallOptions): Promise<ListPromptsResult> {
    return this.#call<ListPromptsResult>('prompts/list', cursorParams(params.cursor), options);
  }

  getPrompt(name: string, args: Record<string, string> = {}, options?: CallOptions): Promise<PromptResult> {
    return this.#call<PromptResult>('prompts/get', { name, arguments: args }, options);
  }

  complete(
    ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
    argument: { name: string; value: string },
    context?: { arguments: Record<string, string> },
    options?: CallOptions,
  ): Promise<CompletionResult> {
    const params: Record<string, unknown> = { ref, argument };
    if (context) params.context = context;
    return this.#call<CompletionResult>('completion/complete', params, options);
  }

  /** 2025: `logging/setLevel`. 2026: the level travels in every later request's `_meta`. */
  async setLogLevel(level: LoggingLevel, options?: CallOptions): Promise<void> {
    if (this.#requireNegotiated().era === 'legacy')
      await this.request('logging/setLevel', { level }, options);
    this.#logLevel = level;
  }

  /** 2025: `ping`. 2026 removed ping; `server/discover` serves as the liveness check. */
  async ping(options?: CallOptions): Promise<void> {
    await this.request(this.#requireNegotiated().era === 'legacy' ? 'ping' : 'server/discover', {}, options);
  }

  discover(options?: CallOptions): Promise<DiscoverResult> {
    return this.#call<DiscoverResult>('server/discover', {}, options);
  }

  /** Changes the roots offered to servers; 2025 sessions get `notifications/roots/list_changed`. */
  setRoots(roots: Root[]): void {
    this.#fulfiller.roots = roots;
    if (this.#negotiated?.era === 'legacy') this.#session?.notify('notifications/roots/list_changed');
  }

  /** Subscribes to a server notification (e.g. `notifications/message`); returns the unsubscribe. */
  onNotification(method: string, handler: NotificationHandler): () => void {
    let handlers = this.#notificationHandlers.get(method);
    if (!handlers) {
      handlers = new Set();
      this.#notificationHandlers.set(method, handlers);
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /**
   * 2026 `subscriptions/listen`: a long-lived stream of change notifications for the filter. Its
   * notifications also reach `onNotification` handlers. (2025: use `subscribeResource`.)
   */
  listen(
    filter: SubscriptionFilter,
    onNotification: (method: string, params: Record<string, unknown>) => void = () => {},
  ): Subscription {
    const negotiated = this.#requireNegotiated();
    if (negotiated.era !== 'modern') {
      throw new ErlmcpError(
        'ERR_NOT_CONNECTED',
        'subscriptions/listen needs the 2026 era; use subscribeResource in 2025 sessions',
      );
    }
    const subscription = new Subscription(filter, onNotification);
    this.#subscriptions.add(subscription);
    const params = this.#withMeta(negotiated, { notifications: filter }, undefined);
    this.#requireSession()
      .request('subscriptions/listen', params, {
        timeoutMs: Number.POSITIVE_INFINITY,
        maxTotalTimeoutMs: Number.POSITIVE_INFINITY,
        signal: subscription.signal,
        onSent: (id) => {
          subscription.id = id;
        },
      })
      .then(
        () => subscription.settle('graceful'),
        () => subscription.settle('remote'),
      )
      .finally(() => this.#subscriptions.delete(subscription));
    return subscription;
  }

  // --- tasks ------------------------------------------------------------------------------------

  /** Starts a tool as a task and returns its handle at once (2025: `params.task`; 2026: the extension). */
  async callToolAsTask(
    name: string,
    args: Record<string, unknown> = {},
    options: CallOptions & { ttlMs?: number } = {},
  ): Promise<TaskHandle> {
    const params: Record<string, unknown> = { name, arguments: args };
    if (this.#requireNegotiated().era === 'legacy')
      params.task = options.ttlMs === undefined ? {} : { ttl: options.ttlMs };
    const result = await this.request('tools/call', params, options);
    if (result.resultType !== 'task' && !isPlainRecord(result.task)) {
      throw new ErlmcpError('ERR_INVALID_RESPONSE', `The server ran ${name} without creating a task`);
    }
    return toTaskHandle(result);
  }

  async getTask(taskId: string, options?: CallOptions): Promise<TaskHandle> {
    return toTaskHandle(await this.request('tasks/get', { taskId }, options));
  }

  async cancelTask(taskId: string, options?: CallOptions): Promise<void> {
    await this.request('tasks/cancel', { taskId }, options);
  }

  /** 2025-11-25 `tasks/list`. */
  async listTasks(
    params: { cursor?: string } = {},
    options?: CallOptions,
  ): Promise<{ tasks: TaskHandle[]; nextCursor?: string }> {
    const result = await this.request('tasks/list', cursorParams(params.cursor), options);
    const tasks = Array.isArray(result.tasks)
      ? result.tasks.map((task) => toTaskHandle(task as Record<string, unknown>))
      : [];
    return typeof result.nextCursor === 'string' ? { tasks, nextCursor: result.nextCursor } : { tasks };
  }

  /**
   * Waits for a task's final result. 2025: `tasks/result` (the server blocks). 2026: polls `tasks/get`
   * at the server's interval, answering `input_required` through the handlers with `tasks/update`.
   */
  async waitForTask(task: TaskHandle, options: CallOptions = {}): Promise<Record<string, unknown>> {
    if (this.#requireNegotiated().era === 'legacy') {
      return this.request(
        'tasks/result',
        { taskId: task.taskId },
        { ...options, timeoutMs: options.timeoutMs ?? this.#timeouts(undefined).maxTotalTimeoutMs },
      );
    }
    let current = task;
    const deadline = Date.now() + this.#timeouts(undefined).maxTotalTimeoutMs;
    while (!TERMINAL.has(current.status)) {
      if (Date.now() > deadline)
        throw new ErlmcpError('ERR_REQUEST_TIMEOUT', `Task ${task.taskId} did not finish in time`);
      if (current.status === 'input_required' && current.inputRequests) {
        const inputResponses: Record<string, unknown> = {};
        const signal = options.signal ?? new AbortController().signal;
        for (const [key, request] of Object.entries(current.inputRequests)) {
          inputResponses[key] = await this.#fulfiller.fulfil(request.method, request.params ?? {}, signal);
        }
        await this.request('tasks/update', { taskId: task.taskId, inputResponses }, options);
      } else {
        await sleep(
          Math.max(current.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS),
          options.signal,
        );
      }
      current = await this.getTask(task.taskId, options);
    }
    return taskOutcome(current);
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
    const session = this.#requireSession();
    const negotiated = this.#requireNegotiated();
    const key =
      CACHEABLE.has(method) && this.#options.listCache !== false ? cacheKey(method, params) : undefined;
    const cached = key === undefined ? undefined : this.#cache.get(key);
    if (cached) return cached;
    const maxRounds = this.#options.maxInputRounds ?? CLIENT_DEFAULTS.maxInputRounds;
    let current = params;
    for (let round = 0; ; round++) {
      const sent = this.#withMeta(negotiated, current, options.meta);
      const result = await session.request(method, sent, {
        ...this.#timeouts(options.timeoutMs),
        ...pick(options),
      });
      const resultType = result.resultType ?? 'complete';
      if (resultType === 'complete' || resultType === 'task') {
        checkResultShape(method, result);
        if (key !== undefined && round === 0 && negotiated.era === 'modern') this.#cache.put(key, result);
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
      current = await this.#retryParams(params, result, options.signal);
    }
  }

  /** The one place a wire result becomes a typed one; `checkResultShape` vouched for its shape. */
  #call<T>(method: string, params: Record<string, unknown>, options: CallOptions | undefined): Promise<T> {
    return this.request(method, params, options) as Promise<unknown> as Promise<T>;
  }

  async #retryParams(
    original: Record<string, unknown>,
    result: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ) {
    const inputRequests = isPlainRecord(result.inputRequests) ? result.inputRequests : {};
    const inputResponses: Record<string, unknown> = {};
    const abort = signal ?? new AbortController().signal;
    for (const [key, request] of Object.entries(inputRequests)) {
      if (!isPlainRecord(request) || typeof request.method !== 'string') {
        throw new ErlmcpError('ERR_INVALID_RESPONSE', `inputRequests["${key}"] is not a request`);
      }
      const params = isPlainRecord(request.params) ? request.params : {};
      inputResponses[key] = await this.#fulfiller.fulfil(request.method, params, abort);
    }
    const next: Record<string, unknown> = { ...original, inputResponses };
    if (typeof result.requestState === 'string') next.requestState = result.requestState;
    return next;
  }

  #withMeta(
    negotiated: Negotiated,
    params: Record<string, unknown>,
    extra: Record<string, unknown> | undefined,
  ) {
    if (negotiated.era === 'legacy') return extra ? { ...params, _meta: { ...extra } } : params;
    return { ...params, _meta: { ...(extra ?? {}), ...this.#envelope(negotiated.protocolVersion) } };
  }

  #envelope(version: string): Record<string, unknown> {
    const envelope: Record<string, unknown> = {
      [MetaKey.protocolVersion]: version,
      [MetaKey.clientInfo]: this.info,
      [MetaKey.clientCapabilities]: this.#fulfiller.capabilities(),
    };
    if (this.#logLevel !== undefined) envelope[MetaKey.logLevel] = this.#logLevel;
    return envelope;
  }

  #timeouts(timeoutMs: number | undefined) {
    const max = this.#options.maxRequestTimeoutMs ?? CLIENT_DEFAULTS.maxRequestTimeoutMs;
    return {
      timeoutMs: Math.min(
        timeoutMs ?? this.#options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
        max,
      ),
      maxTotalTimeoutMs: max,
    };
  }

  #onNotification(notification: JsonRpcNotification): void {
    const invalidated = LIST_CHANGED[notification.method];
    if (invalidated) this.#cache.invalidate(invalidated);
    const params = notification.params ?? {};
    if (notification.method === 'notifications/resources/updated' && typeof params.uri === 'string') {
      this.#cache.invalidate(cacheKey('resources/read', { uri: params.uri }));
    }
    for (const subscription of this.#subscriptions)
      if (subscription.deliver(notification.method, params)) break;
    const handlers = this.#notificationHandlers.get(notification.method);
    if (!handlers || handlers.size === 0) {
      this.#options.onDiagnostic?.(`no handler for ${notification.method}`);
      return;
    }
    for (const handler of handlers) {
      try {
        handler(params);
      } catch (error) {
        this.#options.onDiagnostic?.(
          `notification handler for ${notification.method} threw: ${String(error)}`,
        );
      }
    }
  }

  #rememberOutputSchema(name: string, schema: Record<string, unknown> | undefined): void {
    try {
      this.#outputSchemas.set(name, schema ? compileSchema(schema, { io: 'output' }) : undefined);
    } catch (error) {
      this.#options.onDiagnostic?.(`tool ${name} has an unusable outputSchema: ${String(error)}`);
      this.#outputSchemas.delete(name);
    }
  }

  async #walk<P extends { nextCursor?: string }, T>(
    fetch: (cursor?: string) => Promise<P>,
    items: (page: P) => T[],
  ): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
      const page = await fetch(cursor);
      all.push(...items(page));
      cursor = page.nextCursor;
      if (!cursor) return all;
    }
    throw new ErlmcpError(
      'ERR_INVALID_RESPONSE',
      `The server's list did not end after ${MAX_LIST_PAGES} pages`,
    );
  }

  #requireSession(): ClientSession {
    if (!this.#session) throw new ErlmcpError('ERR_NOT_CONNECTED', 'Client is not connected');
    return this.#session;
  }

  #requireNegotiated(): Negotiated {
    if (!this.#negotiated) throw new ErlmcpError('ERR_NOT_CONNECTED', 'Client is not connected');
    return this.#negotiated;
  }
}

function cursorParams(cursor: string | undefined): Record<string, unknown> {
  return cursor === undefined ? {} : { cursor };
}

function pick(options: CallOptions) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

export { McpError };
