import { ErlmcpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import type { LoggingLevel, SubscriptionFilter } from '../protocol/types.js';
import { type CompiledSchema, compileSchema, formatIssues } from '../schema/index.js';
import { type CallOptions, ClientCore } from './client-core.js';
import { cursorParams, walkPages } from './paging.js';
import type {
  CompletionResult,
  DiscoverResult,
  ListPromptsResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  ListToolsResult,
  PromptResult,
  ReadResult,
  ToolResult,
} from './results.js';
import { Subscription } from './subscription.js';
import { pollTask, type TaskHandle, toTaskHandle } from './tasks.js';

export type { CallOptions } from './client-core.js';

/**
 * An MCP client for both protocol eras. It negotiates the era (2026 `server/discover`, or the 2025
 * `initialize` handshake), answers what servers ask (sampling, elicitation, roots) through the same
 * handlers in both eras, and retries 2026 `InputRequiredResult`s automatically. The typed methods
 * live here; connection, negotiation and the request path live in ClientCore.
 */
export class Client extends ClientCore {
  readonly #outputSchemas = new Map<string, CompiledSchema | undefined>();

  // --- primitives -------------------------------------------------------------------------------

  async listTools(params: { cursor?: string } = {}, options?: CallOptions): Promise<ListToolsResult> {
    const result = await this.call<ListToolsResult>('tools/list', cursorParams(params.cursor), options);
    for (const tool of result.tools) this.#rememberOutputSchema(tool.name, tool.outputSchema);
    return result;
  }

  async listAllTools(options?: CallOptions): Promise<ListToolsResult['tools']> {
    return walkPages(
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
    let result = await this.call<ToolResult>('tools/call', { name, arguments: args }, options);
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
    return this.call<ListResourcesResult>('resources/list', cursorParams(params.cursor), options);
  }

  listAllResources(options?: CallOptions): Promise<ListResourcesResult['resources']> {
    return walkPages(
      (cursor) => this.listResources({ ...(cursor ? { cursor } : {}) }, options),
      (page) => page.resources,
    );
  }

  listResourceTemplates(
    params: { cursor?: string } = {},
    options?: CallOptions,
  ): Promise<ListResourceTemplatesResult> {
    return this.call<ListResourceTemplatesResult>(
      'resources/templates/list',
      cursorParams(params.cursor),
      options,
    );
  }

  readResource(uri: string, options?: CallOptions): Promise<ReadResult> {
    return this.call<ReadResult>('resources/read', { uri }, options);
  }

  /** 2025 era: `resources/subscribe`. (2026: use `listen`.) */
  async subscribeResource(uri: string, options?: CallOptions): Promise<void> {
    await this.request('resources/subscribe', { uri }, options);
  }

  async unsubscribeResource(uri: string, options?: CallOptions): Promise<void> {
    await this.request('resources/unsubscribe', { uri }, options);
  }

  listPrompts(params: { cursor?: string } = {}, options?: CallOptions): Promise<ListPromptsResult> {
    return this.call<ListPromptsResult>('prompts/list', cursorParams(params.cursor), options);
  }

  getPrompt(name: string, args: Record<string, string> = {}, options?: CallOptions): Promise<PromptResult> {
    return this.call<PromptResult>('prompts/get', { name, arguments: args }, options);
  }

  complete(
    ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
    argument: { name: string; value: string },
    context?: { arguments: Record<string, string> },
    options?: CallOptions,
  ): Promise<CompletionResult> {
    const params: Record<string, unknown> = { ref, argument };
    if (context) params.context = context;
    return this.call<CompletionResult>('completion/complete', params, options);
  }

  /** 2025: `logging/setLevel`. 2026: the level travels in every later request's `_meta`. */
  async setLogLevel(level: LoggingLevel, options?: CallOptions): Promise<void> {
    if (this.requireNegotiated().era === 'legacy') await this.request('logging/setLevel', { level }, options);
    this.logLevel = level;
  }

  /** 2025: `ping`. 2026 removed ping; `server/discover` serves as the liveness check. */
  async ping(options?: CallOptions): Promise<void> {
    await this.request(this.requireNegotiated().era === 'legacy' ? 'ping' : 'server/discover', {}, options);
  }

  discover(options?: CallOptions): Promise<DiscoverResult> {
    return this.call<DiscoverResult>('server/discover', {}, options);
  }

  /**
   * 2026 `subscriptions/listen`: a long-lived stream of change notifications for the filter. Its
   * notifications also reach `onNotification` handlers. (2025: use `subscribeResource`.)
   */
  listen(
    filter: SubscriptionFilter,
    onNotification: (method: string, params: Record<string, unknown>) => void = () => {},
  ): Subscription {
    const negotiated = this.requireNegotiated();
    if (negotiated.era !== 'modern') {
      throw new ErlmcpError(
        'ERR_NOT_CONNECTED',
        'subscriptions/listen needs the 2026 era; use subscribeResource in 2025 sessions',
      );
    }
    const subscription = new Subscription(filter, onNotification);
    this.subscriptions.add(subscription);
    const params = this.withMeta(negotiated, { notifications: filter }, undefined);
    this.requireSession()
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
      .finally(() => this.subscriptions.delete(subscription));
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
    if (this.requireNegotiated().era === 'legacy')
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
    if (this.requireNegotiated().era === 'legacy') {
      return this.request(
        'tasks/result',
        { taskId: task.taskId },
        { ...options, timeoutMs: options.timeoutMs ?? this.timeouts(undefined).maxTotalTimeoutMs },
      );
    }
    return pollTask(task, {
      deadline: Date.now() + this.timeouts(undefined).maxTotalTimeoutMs,
      signal: options.signal,
      get: (taskId) => this.getTask(taskId, options),
      answer: async (taskId, inputRequests) => {
        const inputResponses = await this.fulfiller.fulfilAll(inputRequests, options.signal);
        await this.request('tasks/update', { taskId, inputResponses }, options);
      },
    });
  }

  #rememberOutputSchema(name: string, schema: Record<string, unknown> | undefined): void {
    try {
      this.#outputSchemas.set(name, schema ? compileSchema(schema, { io: 'output' }) : undefined);
    } catch (error) {
      this.options.onDiagnostic?.(`tool ${name} has an unusable outputSchema: ${String(error)}`);
      this.#outputSchemas.delete(name);
    }
  }
}
