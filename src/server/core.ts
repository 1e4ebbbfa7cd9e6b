import { Supervisor } from '../admission/supervisor.js';
import { Deadlines } from '../jsonrpc/deadlines.js';
import { constantPart } from '../jsonrpc/encode.js';
import type { JsonRpcNotification } from '../jsonrpc/message.js';
import { MetaKey, TASKS_EXTENSION } from '../protocol/meta-keys.js';
import { LIST_CHANGED } from '../protocol/methods.js';
import type { Implementation, ServerCapabilities, Tool } from '../protocol/types.js';
import type { ClusterMessage, ClusterNode } from './cluster.js';
import type { Exchange, ListenSubscription, PeerLink, SessionRecord } from './exchange.js';
import { DEFAULTS, type McpServerOptions } from './options.js';
import { omitUndefined, Registry, type RegistryKind } from './registry.js';
import { RequestStateCodec } from './request-state.js';
import { StatusBoard } from './status-board.js';
import { MemoryTaskStore } from './tasks/memory-task-store.js';
import { taskClusterOf } from './tasks/task-cluster.js';
import { TaskManager } from './tasks/task-manager.js';

/** A connected 2025 session, as the core needs it for fan-out. */
export interface SessionHandle {
  readonly session: SessionRecord;
  readonly link: PeerLink;
}

/** A method handler as the core stores it (server/handlers/handler-types.ts: `MethodHandler`). */
export type CoreMethod = (core: ServerCore, exchange: Exchange) => unknown;

/** Where a process finds the `requestState` key its cluster shares (options take precedence). */
export const REQUEST_STATE_SECRET_ENV = 'ERLMCP_REQUEST_STATE_SECRET';

/**
 * The transport-free heart of McpServer: registry, resolved options, capabilities, tasks, and the
 * live sessions and subscriptions that change notifications fan out to.
 */
export class ServerCore {
  readonly registry = new Registry();
  readonly serverInfo: Implementation;
  /** The `_meta` every 2026 result carries, built once. */
  readonly serverInfoMeta: Readonly<Record<string, unknown>>;
  readonly pageSize: number;
  readonly requestTimeoutMs: number;
  readonly maxRequestTimeoutMs: number;
  readonly inputTimeoutMs: number;
  readonly cacheTtlMs: number;
  readonly cacheScope: 'public' | 'private';
  readonly maxInputRounds: number;
  readonly requestState: RequestStateCodec;
  readonly tasks: TaskManager | undefined;
  readonly sessions = new Set<SessionHandle>();
  /** Request deadlines of every connection, on one timer. */
  readonly deadlines = new Deadlines();
  /** Admission against every runtime limit, in-flight tracking and drain. */
  readonly supervisor: Supervisor;
  readonly listens = new Set<ListenSubscription>();
  /** What layers above report for the observer page and metrics (a gateway's upstreams). */
  readonly status = new StatusBoard();
  readonly diagnostic: (message: string, error?: unknown) => void;
  /** What `initialize` and `server/discover` tell clients about using this server (a gateway composes its upstreams'). */
  instructions: string | undefined;
  /**
   * Method tables replacing the default ones of each era (`useMethods` in methods.ts); the handlers
   * are `MethodHandler`s, typed loosely here so the core does not import the handlers that import it.
   */
  methodTables:
    | { session: ReadonlyMap<string, CoreMethod>; modern: ReadonlyMap<string, CoreMethod> }
    | undefined;
  /** The other nodes of a cluster sharing sessions and fan-out (set by `attachCluster`). */
  cluster: ClusterNode | undefined;
  #capabilities: ServerCapabilities | undefined;
  readonly #shutdownCallbacks = new Set<() => void>();

  constructor(readonly options: McpServerOptions) {
    this.serverInfo = omitUndefined<Implementation>({
      name: options.name,
      version: options.version,
      title: options.title,
      description: options.description,
      websiteUrl: options.websiteUrl,
      icons: options.icons,
    });
    // Serialised once: every 2026 result carries it (jsonrpc/encode.ts splices the text in).
    this.serverInfoMeta = constantPart(
      Object.freeze({ [MetaKey.serverInfo]: Object.freeze(this.serverInfo) }),
    );
    this.instructions = options.instructions;
    this.supervisor = new Supervisor(options.limits);
    this.pageSize = options.pageSize ?? DEFAULTS.pageSize;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.maxRequestTimeoutMs = options.maxRequestTimeoutMs ?? DEFAULTS.maxRequestTimeoutMs;
    this.inputTimeoutMs = options.inputTimeoutMs ?? DEFAULTS.inputTimeoutMs;
    this.cacheTtlMs = options.cache?.ttlMs ?? DEFAULTS.cacheTtlMs;
    this.cacheScope = options.cache?.cacheScope ?? 'public';
    this.maxInputRounds = options.maxInputRounds ?? DEFAULTS.maxInputRounds;
    this.requestState = new RequestStateCodec(
      options.requestStateSecret ?? (process.env[REQUEST_STATE_SECRET_ENV] || undefined),
      options.requestStateTtlMs ?? DEFAULTS.requestStateTtlMs,
    );
    this.tasks =
      options.taskStore === false ? undefined : new TaskManager(options.taskStore ?? new MemoryTaskStore());
    this.diagnostic =
      options.onDiagnostic ??
      ((message, error) =>
        process.stderr.write(
          `[erlmcp] ${message}${error ? `: ${String((error as Error)?.stack ?? error)}` : ''}\n`,
        ));
    this.registry.onChange((kind) => {
      this.#capabilities = undefined;
      this.listChanged(kind);
    });
  }

  /** Tools served by `useMethods` handlers rather than the registry (a gateway's catalog), by name. */
  toolLookup: ((name: string) => Tool | undefined) | undefined;

  /** A tool's wire definition (its x-mcp-header arguments are checked before the call is served). */
  wireTool(name: string): Tool | undefined {
    return this.registry.tools.get(name)?.wire ?? this.toolLookup?.(name);
  }

  /** `list_changed` of a kind to every 2025 session and 2026 listen, on every node. */
  listChanged(kind: RegistryKind): void {
    this.#fanOutListChanged(kind);
    this.cluster?.publish({ type: 'list-changed', kind });
  }

  /**
   * Joins a cluster: changes raised here reach the sessions and listens of every node, and theirs
   * reach this node's. Tasks move to the cluster's store when it has one, and any node can then
   * answer for a task another node runs. Once, before serving.
   */
  attachCluster(cluster: ClusterNode): void {
    if (this.cluster) throw new TypeError('this server already belongs to a cluster');
    this.cluster = cluster;
    if (cluster.taskStore) this.tasks?.useStore(cluster.taskStore, taskClusterOf(cluster));
    cluster.onMessage((message: ClusterMessage) => {
      if (message.type === 'list-changed') this.#fanOutListChanged(message.kind);
      else if (message.type === 'resource-updated') this.#fanOutResourceUpdated(message.uri);
      else if (message.type === 'task-cancel') this.tasks?.abortRunning(message.taskId);
      else if (message.type === 'task-input') this.tasks?.deliverInput(message.taskId, message.responses);
    });
  }

  /**
   * Every primitive is declared even when none is registered yet: the registry may grow at run time
   * (list_changed), and an empty list is a valid answer. `options.capabilities` is merged on top.
   */
  capabilities(): ServerCapabilities {
    if (this.#capabilities) return this.#capabilities;
    const caps: ServerCapabilities = {
      logging: {},
      completions: {},
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
    };
    if (this.tasks) {
      caps.tasks = { list: {}, cancel: {}, requests: { tools: { call: {} } } };
      caps.extensions = { [TASKS_EXTENSION]: {} };
    }
    this.#capabilities = mergeCapabilities(caps, this.options.capabilities);
    return this.#capabilities;
  }

  /** Registers work to end on shutdown (graceful end of subscriptions); returns the disposer. */
  onShutdown(callback: () => void): () => void {
    this.#shutdownCallbacks.add(callback);
    return () => this.#shutdownCallbacks.delete(callback);
  }

  /** Ends subscriptions gracefully and aborts running tasks. */
  shutdown(): void {
    for (const callback of [...this.#shutdownCallbacks]) callback();
    this.#shutdownCallbacks.clear();
    this.tasks?.abortAll();
  }

  /** `resources/updated` to every 2025 session and 2026 subscription that asked for `uri`, on every node. */
  resourceUpdated(uri: string): void {
    this.#fanOutResourceUpdated(uri);
    this.cluster?.publish({ type: 'resource-updated', uri });
  }

  #fanOutResourceUpdated(uri: string): void {
    for (const handle of this.sessions) {
      if (handle.session.initialized && handle.session.subscriptions.has(uri)) {
        safeNotify(this, handle.link, {
          jsonrpc: '2.0',
          method: 'notifications/resources/updated',
          params: { uri },
        });
      }
    }
    for (const listen of this.listens) {
      if (listen.filter.resourceSubscriptions?.includes(uri)) {
        safeNotify(this, listen.link, {
          jsonrpc: '2.0',
          method: 'notifications/resources/updated',
          params: { uri, _meta: { [MetaKey.subscriptionId]: listen.id } },
        });
      }
    }
  }

  /** The 2026 tasks extension is in use for this request: server has tasks and the client declared it. */
  modernTasksEnabled(exchange: Exchange): boolean {
    return (
      this.tasks !== undefined && exchange.clientCapabilities.extensions?.[TASKS_EXTENSION] !== undefined
    );
  }

  #fanOutListChanged(kind: RegistryKind): void {
    const { notification: method, filterKey } = LIST_CHANGED[kind];
    for (const handle of this.sessions) {
      if (handle.session.initialized) safeNotify(this, handle.link, { jsonrpc: '2.0', method });
    }
    for (const listen of this.listens) {
      if (listen.filter[filterKey]) {
        safeNotify(this, listen.link, {
          jsonrpc: '2.0',
          method,
          params: { _meta: { [MetaKey.subscriptionId]: listen.id } },
        });
      }
    }
  }
}

/** One dead peer must not stop a fan-out to the others. */
function safeNotify(core: ServerCore, link: PeerLink, message: JsonRpcNotification): void {
  try {
    link.notify(message);
  } catch (error) {
    core.diagnostic('notification could not be delivered', error);
  }
}

function mergeCapabilities(
  base: ServerCapabilities,
  extra: ServerCapabilities | undefined,
): ServerCapabilities {
  if (!extra) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] =
      current && typeof current === 'object' && value && typeof value === 'object'
        ? { ...current, ...value }
        : value;
  }
  return merged as ServerCapabilities;
}
