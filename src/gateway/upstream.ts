import type { CallOptions } from '../client/client-core.js';
import {
  CircuitBreaker,
  type CircuitState,
  isTransportFailure,
} from '../client/resilience/circuit-breaker.js';
import type { Subscription } from '../client/subscription.js';
import type { Transport } from '../core/transport.js';
import { McpError } from '../jsonrpc/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Implementation, ServerCapabilities } from '../protocol/types.js';
import type { RegistryKind } from '../server/registry.js';
import type { UpstreamStatus } from '../server/status-board.js';
import type { DownstreamCall } from './downstream-call.js';
import { UpstreamConnection } from './upstream-connection.js';

/** One upstream's health: the status board's row (observer, metrics) with the whole serverInfo. */
export interface UpstreamHealth extends Omit<UpstreamStatus, 'server'> {
  serverInfo: Implementation | undefined;
}

export interface UpstreamSettings {
  name: string;
  prefix: string;
  era: 'auto' | 'modern' | 'legacy';
  poolSize: number;
  timeoutMs: number;
  breaker: { failureThreshold?: number; openMs?: number };
  restart: { maxRestarts: number; periodMs: number; maxDelayMs: number };
  transport: () => Transport;
  diagnostic: (message: string) => void;
}

export interface UpstreamEvents {
  /** The upstream's list of a kind changed, or the upstream came or went (every kind). */
  listChanged(kind: RegistryKind): void;
  resourceUpdated(uri: string): void;
}

/** Named limit: calls that wait for a free connection of one upstream before new ones are refused. */
export const MAX_WAITING_CALLS = 1024;

const LIST_CHANGED: Record<string, RegistryKind> = {
  'notifications/tools/list_changed': 'tools',
  'notifications/prompts/list_changed': 'prompts',
  'notifications/resources/list_changed': 'resources',
};

/**
 * One upstream server: a pool of supervised connections sharing one circuit breaker. The first
 * connection is the primary: it carries lists, reads and change notifications; a call that may
 * involve the caller leases any free connection (a new one while the pool is below its size).
 */
export class Upstream {
  readonly breaker: CircuitBreaker;
  readonly #connections: UpstreamConnection[] = [];
  readonly #waiting: ((connection: UpstreamConnection) => void)[] = [];
  readonly #subscribed = new Set<string>();
  #listen: Subscription | undefined;
  #state: UpstreamHealth['state'] = 'starting';
  #calls = 0;
  #failures = 0;
  #lastError: string | undefined;
  #retry: NodeJS.Timeout | undefined;
  #probe: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: UpstreamSettings,
    private readonly events: UpstreamEvents,
  ) {
    this.breaker = new CircuitBreaker({ ...settings.breaker });
    this.breaker.onStateChange((state) => this.#circuitChanged(state));
  }

  get name(): string {
    return this.settings.name;
  }

  /** Connected and its circuit not open: its items are listed and its calls go through. */
  get up(): boolean {
    return this.#state === 'up';
  }

  get instructions(): string | undefined {
    return this.#primary()?.client.instructions;
  }

  /** The era the primary connection speaks (undefined while down). */
  get era(): string | undefined {
    return this.#primary()?.client.era;
  }

  get capabilities(): ServerCapabilities | undefined {
    return this.#primary()?.client.serverCapabilities;
  }

  health(): UpstreamHealth {
    const primary = this.#connections[0]?.client;
    return {
      name: this.name,
      state: this.#state,
      circuit: this.breaker.state,
      era: primary?.era,
      protocolVersion: primary?.protocolVersion,
      serverInfo: primary?.serverInfo,
      connections: this.#connections.filter((connection) => connection.up).length,
      busy: this.#connections.filter((connection) => connection.leased).length,
      waiting: this.#waiting.length,
      calls: this.#calls,
      failures: this.#failures,
      lastError: this.#lastError,
    };
  }

  /** Connects the primary; an upstream that is not there yet is retried in the background. */
  async start(): Promise<void> {
    const primary = this.#newConnection();
    try {
      await primary.start();
    } catch (error) {
      this.#failed(error);
      this.#state = 'down';
      this.settings.diagnostic(`upstream ${this.name} is not reachable yet: ${(error as Error).message}`);
      this.#retryStart(primary);
    }
  }

  #retryStart(primary: UpstreamConnection): void {
    const delay = Math.min(this.settings.restart.maxDelayMs, 500);
    this.#retry = setTimeout(() => {
      if (this.#state === 'closed') return;
      primary.start().catch(() => this.#retryStart(primary));
    }, delay);
    this.#retry.unref?.();
  }

  /**
   * Sends one request. With a downstream call the request leases a connection of its own; without,
   * it shares the primary. Fails at once while the upstream is down or its circuit is open.
   */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: CallOptions,
    downstream?: DownstreamCall,
  ): Promise<Record<string, unknown>> {
    if (!this.up) throw this.#unavailable();
    this.#calls++;
    const connection = downstream ? await this.#lease() : (this.#primary() ?? (await this.#lease()));
    try {
      return await connection.request(
        method,
        params,
        { timeoutMs: this.settings.timeoutMs, ...options },
        downstream,
      );
    } catch (error) {
      if (isTransportFailure(error)) this.#failed(error);
      throw error;
    } finally {
      if (downstream) this.#release(connection);
    }
  }

  /** Follows `resources/updated` for `uri` (2025 subscribe, or the primary's 2026 listen). */
  async subscribe(uri: string): Promise<void> {
    if (this.#subscribed.has(uri)) return;
    this.#subscribed.add(uri);
    const primary = this.#primary();
    if (!primary) return; // resubscribed when it connects
    if (primary.client.era === 'legacy') await primary.client.subscribeResource(uri);
    else this.#listenOn(primary);
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    clearTimeout(this.#retry);
    clearTimeout(this.#probe);
    for (const waiter of this.#waiting.splice(0)) waiter(undefined as never);
    await Promise.all(this.#connections.map((connection) => connection.close()));
  }

  #newConnection(): UpstreamConnection {
    const connection = new UpstreamConnection(this.#connections.length, {
      name: this.name,
      era: this.settings.era,
      timeoutMs: this.settings.timeoutMs,
      breaker: this.breaker,
      restart: this.settings.restart,
      transport: this.settings.transport,
      diagnostic: this.settings.diagnostic,
      onUp: (up) => this.#connectionUp(up),
      onDown: (down, error) => this.#connectionDown(down, error),
    });
    this.#connections.push(connection);
    return connection;
  }

  #primary(): UpstreamConnection | undefined {
    const primary = this.#connections[0];
    return primary?.up ? primary : undefined;
  }

  #connectionUp(connection: UpstreamConnection): void {
    if (connection.index !== 0) {
      this.#handOver(connection);
      return;
    }
    this.#follow(connection);
    const wasUp = this.#state === 'up';
    this.#state = 'up';
    if (!wasUp) for (const kind of ['tools', 'prompts', 'resources'] as const) this.events.listChanged(kind);
    this.#handOver(connection);
  }

  #connectionDown(connection: UpstreamConnection, error: Error | undefined): void {
    if (error) this.#lastError = error.message;
    if (connection.index !== 0 || this.#state !== 'up') return;
    this.#state = 'down';
    this.#listen = undefined;
    for (const kind of ['tools', 'prompts', 'resources'] as const) this.events.listChanged(kind);
  }

  /**
   * An open circuit takes the upstream down even where no connection broke (an HTTP server that
   * stopped answering): its items leave the lists and its calls fail at once. A probe after
   * `openMs` on the primary closes the circuit when the server answers again, and it is back.
   */
  #circuitChanged(state: CircuitState): void {
    if (this.#state === 'closed') return;
    const primary = this.#primary();
    if (state === 'open') {
      if (this.#state === 'up') {
        this.#state = 'down';
        for (const kind of ['tools', 'prompts', 'resources'] as const) this.events.listChanged(kind);
      }
      // A lost connection reconnects (through this breaker) by itself; one still open is probed.
      if (primary) this.#probeLater(primary);
    } else if (state === 'closed' && this.#state === 'down' && primary) {
      this.#connectionUp(primary);
    }
  }

  #probeLater(primary: UpstreamConnection): void {
    clearTimeout(this.#probe);
    this.#probe = setTimeout(() => {
      if (this.#state !== 'down' || !primary.up) return;
      const client = primary.client;
      const probe = client.era === 'legacy' ? client.ping() : client.discover();
      // Its failure opens the circuit again, which schedules the next probe.
      probe.catch(() => primary.checkSession());
    }, this.settings.breaker.openMs ?? 5_000);
    this.#probe.unref?.();
  }

  /** Change notifications come from the primary only (every connection would repeat them). */
  #follow(primary: UpstreamConnection): void {
    const client = primary.client;
    if (!primary.followed) {
      primary.followed = true;
      for (const [method, kind] of Object.entries(LIST_CHANGED))
        client.onNotification(method, () => this.events.listChanged(kind));
      client.onNotification('notifications/resources/updated', (params) => {
        if (typeof params.uri === 'string') this.events.resourceUpdated(params.uri);
      });
    }
    if (client.era === 'legacy') {
      for (const uri of this.#subscribed)
        client.subscribeResource(uri).catch((error: unknown) => this.#failed(error));
    } else this.#listenOn(primary);
  }

  /** 2026: one listen on the primary for list changes and the subscribed resources, renewed as they grow. */
  #listenOn(primary: UpstreamConnection): void {
    const caps = primary.client.serverCapabilities ?? {};
    const previous = this.#listen;
    this.#listen = primary.client.listen({
      ...(caps.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(caps.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(caps.resources?.listChanged ? { resourcesListChanged: true } : {}),
      ...(caps.resources?.subscribe && this.#subscribed.size > 0
        ? { resourceSubscriptions: [...this.#subscribed] }
        : {}),
    });
    if (previous) void this.#listen.acknowledged.then(() => previous.close());
  }

  async #lease(): Promise<UpstreamConnection> {
    const free = this.#connections.find((connection) => connection.up && !connection.leased);
    if (free) {
      free.reserved = true;
      return free;
    }
    if (this.#connections.length < this.settings.poolSize) {
      const fresh = this.#newConnection();
      fresh.reserved = true;
      try {
        await fresh.start();
        return fresh;
      } catch (error) {
        this.#connections.splice(this.#connections.indexOf(fresh), 1);
        throw error;
      }
    }
    if (this.#waiting.length >= MAX_WAITING_CALLS) {
      throw new McpError(
        ErrorCode.Overloaded,
        `Upstream ${this.name}: ${MAX_WAITING_CALLS} calls already wait for a connection`,
      );
    }
    return new Promise((resolve, reject) =>
      this.#waiting.push((connection) => (connection ? resolve(connection) : reject(this.#unavailable()))),
    );
  }

  #release(connection: UpstreamConnection): void {
    connection.reserved = false;
    this.#handOver(connection);
  }

  /** A free connection goes to the longest-waiting call. */
  #handOver(connection: UpstreamConnection): void {
    if (!connection.up || connection.leased) return;
    const next = this.#waiting.shift();
    if (!next) return;
    connection.reserved = true;
    next(connection);
  }

  #failed(error: unknown): void {
    this.#failures++;
    this.#lastError = error instanceof Error ? error.message : String(error);
  }

  #unavailable(): McpError {
    const why = this.breaker.state === 'closed' ? this.#lastError : 'its circuit is open';
    return new McpError(
      ErrorCode.InternalError,
      `Upstream ${this.name} is unavailable${why ? `: ${why}` : ''}`,
      { upstream: this.name, state: this.#state, circuit: this.breaker.state },
    );
  }
}
