import { ErlmcpError, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { TASKS_EXTENSION } from '../protocol/meta-keys.js';
import type {
  ClientCapabilities,
  ElicitFormParams,
  ElicitResult,
  ElicitUrlParams,
  Root,
} from '../protocol/types.js';
import type { ClientOptions, InputHandler } from './options.js';

/**
 * Answers what servers ask of the client, in both eras: a 2025 server→client request and an entry
 * of a 2026 `InputRequiredResult` go through the same handlers.
 */
export class InputFulfiller {
  #roots: Root[] | undefined;
  /** Built once: every 2026 request carries them. */
  #capabilities: ClientCapabilities | undefined;

  constructor(private readonly options: ClientOptions) {
    this.#roots = options.roots;
  }

  get roots(): Root[] | undefined {
    return this.#roots;
  }

  set roots(roots: Root[] | undefined) {
    this.#roots = roots;
    this.#capabilities = undefined;
  }

  capabilities(): ClientCapabilities {
    this.#capabilities ??= this.#deriveCapabilities();
    return this.#capabilities;
  }

  /** Capabilities the handlers make true, unless the caller declared their own. */
  #deriveCapabilities(): ClientCapabilities {
    const declared = this.options.capabilities;
    if (declared) {
      return this.options.tasks
        ? { ...declared, extensions: { ...declared.extensions, [TASKS_EXTENSION]: {} } }
        : declared;
    }
    const caps: ClientCapabilities = {};
    if (this.options.sampling) caps.sampling = {};
    if (this.options.elicitation) caps.elicitation = { form: {}, url: {} };
    if (this.#roots) caps.roots = { listChanged: true };
    if (this.options.tasks) caps.extensions = { [TASKS_EXTENSION]: {} };
    return caps;
  }

  /**
   * Answers every entry of an `inputRequests` map (2026 MRTR round or task input): one by one with
   * this fulfiller's handlers; all at once with a call's own handler (a gateway hands the whole
   * round to its caller, keys included).
   */
  async fulfilAll(
    inputRequests: Record<string, unknown>,
    signal: AbortSignal | undefined,
    /** Answers instead of this fulfiller (one call's own input handler). */
    handler?: InputHandler,
  ): Promise<Record<string, unknown>> {
    const abort = signal ?? new AbortController().signal;
    const entries = Object.entries(inputRequests).map(([key, request]) => {
      if (!isPlainRecord(request) || typeof request.method !== 'string') {
        throw new ErlmcpError('ERR_INVALID_RESPONSE', `inputRequests["${key}"] is not a request`);
      }
      return [key, request.method, isPlainRecord(request.params) ? request.params : {}] as const;
    });
    const responses: Record<string, unknown> = {};
    if (handler) {
      const answers = await Promise.all(
        entries.map(([key, method, params]) => handler(method, params, abort, key)),
      );
      entries.forEach(([key], index) => {
        responses[key] = answers[index];
      });
      return responses;
    }
    for (const [key, method, params] of entries) responses[key] = await this.fulfil(method, params, abort);
    return responses;
  }

  async fulfil(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    if (method === 'ping') return {};
    if (this.options.onServerRequest) return this.options.onServerRequest(method, params, signal);
    switch (method) {
      case 'roots/list':
        if (!this.#roots) throw unsupported(method);
        return { roots: this.#roots };
      case 'sampling/createMessage':
        if (!this.options.sampling) throw unsupported(method);
        return (await this.options.sampling(params as never, { signal })) as Record<string, unknown>;
      case 'elicitation/create':
        return this.#elicit(params, signal);
      default:
        throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
    }
  }

  async #elicit(params: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
    const handler = this.options.elicitation;
    if (!handler) throw unsupported('elicitation/create');
    if (params.mode === 'url') {
      const consent = this.options.urlConsent;
      if (consent && !(await consent(params as unknown as ElicitUrlParams))) return { action: 'decline' };
      return (await handler(params as unknown as ElicitUrlParams, { signal })) as Record<string, unknown>;
    }
    const form = params as unknown as ElicitFormParams;
    const result = await handler(form, { signal });
    return applyDefaults(form, result) as Record<string, unknown>;
  }
}

/** Fields the user left out take the schema's `default` (SEP-1034), so servers get complete forms. */
export function applyDefaults(form: ElicitFormParams, result: ElicitResult): ElicitResult {
  if (result.action !== 'accept') return result;
  const properties = form.requestedSchema.properties;
  if (!isPlainRecord(properties)) return result;
  const content: Record<string, unknown> = { ...(result.content ?? {}) };
  for (const [name, schema] of Object.entries(properties)) {
    if (content[name] === undefined && isPlainRecord(schema) && schema.default !== undefined)
      content[name] = schema.default;
  }
  return { ...result, content: content as ElicitResult['content'] & object };
}

function unsupported(method: string): McpError {
  return new McpError(ErrorCode.MethodNotFound, `This client has no handler for ${method}`);
}
