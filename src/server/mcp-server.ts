import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { RuntimeLimitsInput } from '../admission/limits.js';
import type { AuthInfo } from '../core/auth-info.js';
import type { Transport } from '../core/transport.js';
import type { PromptArgument } from '../protocol/types.js';
import type { JsonSchemaObject, SchemaInput } from '../schema/index.js';
import { ServerCore } from './core.js';
import type {
  PromptArgs,
  PromptConfig,
  ResourceConfig,
  ResourceTemplateConfig,
  ToolConfig,
} from './definitions.js';
import { MessageConnection } from './message-connection.js';
import type { McpServerOptions } from './options.js';
import type { Registered } from './registry.js';
import { SessionHost } from './session-host.js';

/** A raw JSON Schema (a Standard Schema is left to the inferring overload). */
type UntypedSchema = JsonSchemaObject & { '~standard'?: never };
/** A tool's arguments: a Standard Schema's output type, else a plain record. */
type ArgsOf<Input> = Input extends StandardSchemaV1<unknown, infer Args> ? Args : Record<string, unknown>;
/** A tool's `structuredContent`: a Standard Schema's output type, else untyped. */
type StructuredOf<Output> =
  Output extends StandardSchemaV1<unknown, infer Structured> ? Structured : undefined;
/** A prompt's arguments: from `argsSchema` if it is a Standard Schema, else from an inline list. */
type PromptArgsOf<Arguments, Schema> =
  Schema extends StandardSchemaV1<unknown, infer Args>
    ? Args
    : Arguments extends readonly PromptArgument[]
      ? PromptArgs<Arguments>
      : Record<string, string>;

/**
 * An MCP server for both protocol eras. Definitions are registered once and shared by every
 * connection, session and request; `connect()` serves them over a message-stream transport.
 *
 * ```ts
 * const server = new McpServer({ name: 'demo', version: '1.0.0' });
 * server.tool('add', { inputSchema: z.object({ a: z.number(), b: z.number() }), handler: ({ a, b }) => String(a + b) });
 * await server.connect(new StdioServerTransport());
 * ```
 */
export class McpServer {
  /**
   * The transport-free core, for erlmcp's own transports that are not message streams (HTTP).
   * Not public API: left out of the published types (`stripInternal`); use `connect()` for a
   * transport of your own.
   * @internal
   */
  readonly core: ServerCore;
  /**
   * The 2025 session lifecycle every transport uses (open, admit, notify, close).
   * @internal
   */
  readonly sessionHost: SessionHost;
  readonly #connections = new Set<MessageConnection>();
  #closing: Promise<void> | undefined;

  constructor(options: McpServerOptions) {
    this.core = new ServerCore(options);
    this.sessionHost = new SessionHost(this.core);
  }

  /**
   * Registers a tool. With a Standard Schema as `inputSchema` (zod 4, valibot, arktype) the handler's
   * arguments are typed from it, and with one as `outputSchema` its `structuredContent`; with a raw
   * JSON Schema, name the arguments: `server.tool<{ city: string }>(…)`.
   */
  tool<Args = Record<string, unknown>>(
    name: string,
    config: ToolConfig<Args> & {
      inputSchema?: UntypedSchema | StandardSchemaV1<unknown, Args>;
      outputSchema?: UntypedSchema;
    },
  ): Registered;
  tool<Input extends SchemaInput | undefined = undefined, Output extends SchemaInput | undefined = undefined>(
    name: string,
    config: ToolConfig<ArgsOf<Input>, StructuredOf<Output>> & { inputSchema?: Input; outputSchema?: Output },
  ): Registered;
  tool(name: string, config: ToolConfig<never, never>): Registered {
    return this.core.registry.addTool(name, config as ToolConfig);
  }

  resource(uri: string, config: ResourceConfig): Registered {
    return this.core.registry.addResource(uri, config);
  }

  resourceTemplate(uriTemplate: string, config: ResourceTemplateConfig): Registered {
    return this.core.registry.addResourceTemplate(uriTemplate, config);
  }

  /**
   * Registers a prompt. Its handler's arguments are typed from `argsSchema` (a Standard Schema), or
   * from an `arguments` list written inline (required names as `string`, the others optional).
   */
  prompt<
    const Arguments extends readonly PromptArgument[] | undefined = undefined,
    Schema extends SchemaInput | undefined = undefined,
  >(
    name: string,
    config: PromptConfig<PromptArgsOf<Arguments, Schema>> & { arguments?: Arguments; argsSchema?: Schema },
  ): Registered;
  prompt(name: string, config: PromptConfig<never>): Registered {
    return this.core.registry.addPrompt(name, config as PromptConfig);
  }

  /** Tells subscribers (2025 `resources/subscribe`, 2026 `subscriptions/listen`) that `uri` changed. */
  resourceUpdated(uri: string): void {
    this.core.resourceUpdated(uri);
  }

  /** Changes runtime limits (merged over the current ones); only before the server starts serving. */
  setLimits(limits: RuntimeLimitsInput): void {
    this.core.supervisor.configure(limits);
  }

  /**
   * Serves this server over one transport; resolves once the transport is started. `principal` is
   * the connection's authenticated identity, `ip` its peer's address (per-IP limits), `auth` its
   * verified OAuth credentials (their principal is used when `principal` is left out).
   */
  async connect(
    transport: Transport,
    options: { principal?: string; ip?: string; auth?: AuthInfo } = {},
  ): Promise<MessageConnection> {
    const connection = new MessageConnection(
      this.core,
      this.sessionHost,
      transport,
      options.principal ?? options.auth?.principal,
      options.ip,
      options.auth,
    );
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
    return connection;
  }

  /**
   * Graceful: refuses new requests (503 / "draining"), ends subscriptions, lets running requests
   * finish for up to `limits.drainTimeoutMs` and ends the rest with an error, then closes every
   * connection. Idempotent; `destroy()` skips the wait.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const drained = this.core.supervisor.drain();
      this.core.shutdown();
      await drained;
      // Let the last responses reach the wire before transports close.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all([...this.#connections].map((connection) => connection.close()));
    })();
    return this.#closing;
  }

  /** Ends every running request at once with an error and closes every connection. Idempotent. */
  destroy(): Promise<void> {
    this.core.supervisor.destroy();
    return this.close();
  }
}
