import diagnostics_channel from 'node:diagnostics_channel';
import type { RefusedEvent, RequestEvent, RestartEvent, SessionEvent } from '../../core/diagnostics.js';
import type { McpServer } from '../../server/mcp-server.js';
import { RollingStats } from './rolling-stats.js';

interface RecentRequest {
  at: number;
  method: string;
  target: string | undefined;
  outcome: string | undefined;
  durationMs: number;
  errorCode: number | undefined;
}

export interface SessionView {
  id: string;
  transport: string;
  protocolVersion: string;
  client: string | undefined;
  principal: string | undefined;
  openedAt: number;
  requests: number;
  recent: RecentRequest[];
}

/** Everything the page draws, as plain JSON. */
export type ObserverSnapshot = ReturnType<ObserverState['snapshot']>;

/** Bounds: the observer never holds more than this, whatever the traffic. */
const MAX_SESSIONS = 5_000;
const RECENT_PER_SESSION = 20;
const MAX_TARGETS = 200;
const RECENT_ERRORS = 50;

/**
 * What the observer page shows, kept from diagnostics_channel events: sessions by transport with
 * their recent requests, rate and latency per tool/method, errors, refusals, restarts, and the
 * supervisor's live figures. Every collection is bounded.
 */
export class ObserverState {
  readonly #sessions = new Map<string, SessionView>();
  readonly #byTarget = new Map<string, RollingStats>();
  readonly #all = new RollingStats();
  readonly #eras = { legacy: 0, modern: 0 };
  readonly #transports = new Map<string, number>();
  readonly #refused = new Map<string, number>();
  readonly #restarts: (RestartEvent & { at: number })[] = [];
  readonly #errors: (RecentRequest & { sessionId: string | undefined })[] = [];
  #total = 0;
  readonly #startedAt = Date.now();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(private readonly server: McpServer) {
    this.#on('erlmcp:request:end', (event: RequestEvent) => this.#onRequest(event));
    this.#on('erlmcp:session:open', (event: SessionEvent) => this.#onSessionOpen(event));
    this.#on('erlmcp:session:close', (event: SessionEvent) => this.#sessions.delete(event.sessionId));
    this.#on('erlmcp:limit:refused', (event: RefusedEvent) => {
      const key = `${event.reason}${event.limit ? ` (${event.limit})` : ''}`;
      this.#refused.set(key, (this.#refused.get(key) ?? 0) + 1);
    });
    this.#on('erlmcp:supervisor:restart', (event: RestartEvent) => {
      this.#restarts.push({ ...event, at: Date.now() });
      if (this.#restarts.length > 20) this.#restarts.shift();
    });
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** Everything the page draws, as plain JSON. */
  snapshot() {
    const supervisor = this.server.core.supervisor;
    const sessionsByTransport: Record<string, number> = {};
    for (const session of this.#sessions.values())
      sessionsByTransport[session.transport] = (sessionsByTransport[session.transport] ?? 0) + 1;
    const targets = [...this.#byTarget.entries()]
      .map(([name, stats]) => ({ name, ...stats.summary(), series: stats.series().slice(-30) }))
      .sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name));
    return {
      now: Date.now(),
      uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
      totals: { requests: this.#total, ...this.#all.summary(), series: this.#all.series() },
      eras: this.#eras,
      requestsByTransport: Object.fromEntries(this.#transports),
      sessionsByTransport,
      targets,
      errors: this.#errors.slice(-20).reverse(),
      refused: Object.fromEntries(this.#refused),
      supervisor: {
        inFlight: supervisor.inFlight,
        sessions: supervisor.sessions,
        draining: supervisor.draining,
        overloaded: supervisor.overloaded,
        eventLoopDelayMs: Math.round(supervisor.shedder.delayMs),
        limits: supervisor.limits,
        restarts: this.#restarts,
        /** One pid, or the cluster's workers' pids joined (a merged snapshot). */
        pid: String(process.pid),
        heapUsedBytes: process.memoryUsage().heapUsed,
      },
      /** A gateway's upstreams (empty for a server that fronts none). */
      upstreams: [...(this.server.core.status.upstreams() ?? [])],
      sessions: [...this.#sessions.values()]
        .slice(-100)
        .reverse()
        .map(({ recent: _recent, ...session }) => session),
    };
  }

  /** One session with its recent requests (the page's drill-down). */
  session(id: string): SessionView | undefined {
    return this.#sessions.get(id);
  }

  #on<T>(name: string, handler: (event: T) => void): void {
    const listener = (message: unknown) => handler(message as T);
    diagnostics_channel.subscribe(name, listener);
    this.#unsubscribe.push(() => diagnostics_channel.unsubscribe(name, listener));
  }

  #onSessionOpen(event: SessionEvent): void {
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    this.#sessions.set(event.sessionId, {
      id: event.sessionId,
      transport: event.transport,
      protocolVersion: event.protocolVersion,
      client: event.clientName,
      principal: event.principal,
      openedAt: Date.now(),
      requests: 0,
      recent: [],
    });
  }

  #onRequest(event: RequestEvent): void {
    this.#total++;
    if (event.era) this.#eras[event.era]++;
    this.#transports.set(event.transport, (this.#transports.get(event.transport) ?? 0) + 1);
    const failed = event.outcome === 'error' || event.outcome === 'tool_error';
    const durationMs = event.durationMs ?? 0;
    this.#all.add(durationMs, failed);
    const key =
      event.method === 'tools/call' && event.target ? `tool ${this.#toolName(event.target)}` : event.method;
    let stats = this.#byTarget.get(key);
    if (!stats && this.#byTarget.size < MAX_TARGETS) {
      stats = new RollingStats();
      this.#byTarget.set(key, stats);
    }
    stats?.add(durationMs, failed);
    const recent: RecentRequest = {
      at: Date.now(),
      method: event.method,
      target: event.target,
      outcome: event.outcome,
      durationMs: Math.round(durationMs * 100) / 100,
      errorCode: event.errorCode,
    };
    if (failed) {
      this.#errors.push({ ...recent, sessionId: event.sessionId });
      if (this.#errors.length > RECENT_ERRORS) this.#errors.shift();
    }
    const session = event.sessionId === undefined ? undefined : this.#sessions.get(event.sessionId);
    if (session) {
      session.requests++;
      session.recent.push(recent);
      if (session.recent.length > RECENT_PER_SESSION) session.recent.shift();
    }
  }

  /** Only registered tool names become rows (bounded); anything else is `_other`. */
  #toolName(name: string): string {
    return this.server.core.registry.tools.has(name) ? name : '_other';
  }
}
