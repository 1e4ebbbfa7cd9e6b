import { randomUUID } from 'node:crypto';
import type { AuthInfo } from '../core/auth-info.js';
import { McpError } from '../jsonrpc/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type {
  ClientCapabilities,
  CreateMessageParams,
  CreateMessageResult,
  ElicitFormParams,
  ElicitResult,
  ElicitUrlParams,
  Implementation,
  InputRequest,
  ListRootsResult,
  LoggingLevel,
  RequestId,
} from '../protocol/types.js';
import { LOGGING_LEVELS } from '../protocol/types.js';
import type { Era } from '../protocol/versions.js';
import type { Exchange } from './exchange.js';
import type { InputChannel } from './input-channel.js';

export interface InputOptions {
  /** The key of this request in a 2026 `inputRequests` map; unique per request. Default `input-<n>`. */
  key?: string;
}

/** What every handler receives: the same API in both eras. */
export interface RequestContext {
  readonly signal: AbortSignal;
  readonly requestId: RequestId;
  readonly era: Era;
  readonly protocolVersion: string;
  readonly client: { readonly info: Implementation | undefined; readonly capabilities: ClientCapabilities };
  /**
   * The authenticated principal, when a transport or auth layer set one: the OAuth
   * `<issuer>#<subject>`, or a client certificate's identity (mutual TLS).
   */
  readonly principal: string | undefined;
  /** The OAuth credentials of the request (issuer, subject, client, scopes, claims); no raw token unless opted in. */
  readonly auth: AuthInfo | undefined;
  /** The 2025 session id, when there is a session. */
  readonly sessionId: string | undefined;
  /** Sends `notifications/progress` when the request asked for it (no-op otherwise); resets the timeout. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends `notifications/message` when the client's level admits it (2026: only if the request set one). */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /** Asks the user through the client. 2026: code before this call may run again on the retry. */
  elicit(
    params: Omit<ElicitFormParams, 'mode'> & { mode?: 'form' },
    options?: InputOptions,
  ): Promise<ElicitResult>;
  elicit(params: ElicitUrlParams, options?: InputOptions): Promise<ElicitResult>;
  /** Asks the client's model (sampling, optionally with tools). */
  sample(params: CreateMessageParams, options?: InputOptions): Promise<CreateMessageResult>;
  listRoots(options?: InputOptions): Promise<ListRootsResult>;
  /**
   * 2025 Streamable HTTP: closes this request's SSE response now; the client reconnects with
   * `Last-Event-ID` and receives the rest (the SSE polling pattern). A no-op on other transports.
   */
  closeStream(): void;
}

const LEVEL_RANK = new Map(LOGGING_LEVELS.map((level, index) => [level, index]));

export function levelAdmits(threshold: LoggingLevel | undefined, level: LoggingLevel): boolean {
  if (threshold === undefined) return true;
  return (LEVEL_RANK.get(level) ?? 0) >= (LEVEL_RANK.get(threshold) ?? 0);
}

export class HandlerContext implements RequestContext {
  constructor(
    private readonly exchange: Exchange,
    private readonly input: InputChannel,
  ) {}

  get signal() {
    return this.exchange.signal;
  }
  get requestId() {
    return this.exchange.id;
  }
  get era() {
    return this.exchange.era;
  }
  get protocolVersion() {
    return this.exchange.protocolVersion;
  }
  get client() {
    return { info: this.exchange.clientInfo, capabilities: this.exchange.clientCapabilities };
  }
  get principal() {
    return this.exchange.principal;
  }
  get auth() {
    return this.exchange.auth;
  }
  get sessionId() {
    return this.exchange.session?.id;
  }

  async progress(progress: number, total?: number, message?: string): Promise<void> {
    const token = this.exchange.progressToken;
    if (token === undefined || this.exchange.aborted) return;
    this.exchange.touch();
    const params: Record<string, unknown> = { progressToken: token, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    this.exchange.link.notify({ jsonrpc: '2.0', method: 'notifications/progress', params }, this.exchange.id);
  }

  async log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    if (this.exchange.aborted) return;
    const threshold =
      this.exchange.era === 'modern' ? this.exchange.logLevel : this.exchange.session?.logLevel;
    if (this.exchange.era === 'modern' && threshold === undefined) return;
    if (!levelAdmits(threshold, level)) return;
    const params: Record<string, unknown> = { level, data };
    if (logger !== undefined) params.logger = logger;
    this.exchange.link.notify({ jsonrpc: '2.0', method: 'notifications/message', params }, this.exchange.id);
  }

  elicit(params: ElicitFormParams | ElicitUrlParams, options?: InputOptions): Promise<ElicitResult> {
    const url = params.mode === 'url';
    const caps = this.exchange.clientCapabilities.elicitation;
    const supported = url
      ? caps?.url !== undefined
      : caps !== undefined && (caps.form !== undefined || caps.url === undefined);
    if (!supported) throw missingCapability({ elicitation: url ? { url: {} } : { form: {} } }, 'elicitation');
    const request: InputRequest = {
      method: 'elicitation/create',
      params: url ? this.#urlParams(params as ElicitUrlParams) : { mode: 'form', ...params },
    };
    return this.input.ask(request, options?.key) as Promise<ElicitResult>;
  }

  /** 2025-11-25 requires an elicitationId on URL mode; 2026-07-28 removed it. */
  #urlParams(params: ElicitUrlParams): ElicitUrlParams {
    const { elicitationId, ...rest } = params;
    if (this.exchange.era === 'modern') return rest;
    return { ...rest, elicitationId: elicitationId ?? randomUUID() };
  }

  sample(params: CreateMessageParams, options?: InputOptions): Promise<CreateMessageResult> {
    const caps = this.exchange.clientCapabilities.sampling;
    if (caps === undefined) throw missingCapability({ sampling: {} }, 'sampling');
    if (params.tools !== undefined && caps.tools === undefined) {
      throw missingCapability({ sampling: { tools: {} } }, 'sampling with tools');
    }
    return this.input.ask(
      { method: 'sampling/createMessage', params },
      options?.key,
    ) as Promise<CreateMessageResult>;
  }

  closeStream(): void {
    this.exchange.link.closeStream?.(this.exchange.id);
  }

  listRoots(options?: InputOptions): Promise<ListRootsResult> {
    if (this.exchange.clientCapabilities.roots === undefined) throw missingCapability({ roots: {} }, 'roots');
    return this.input.ask({ method: 'roots/list', params: {} }, options?.key) as Promise<ListRootsResult>;
  }
}

export function missingCapability(required: ClientCapabilities, what: string): McpError {
  return new McpError(ErrorCode.MissingRequiredClientCapability, `Client does not support ${what}`, {
    requiredCapabilities: required,
  });
}
