/**
 * One upstream of a server that fronts others (the gateway), as the observer page and metrics show
 * it. Declared here, below both, so observability reads it without knowing the gateway.
 */
export interface UpstreamStatus {
  name: string;
  state: 'starting' | 'up' | 'down' | 'closed';
  circuit: 'closed' | 'open' | 'half-open';
  /** `modern` (2026) or `legacy` (2025) once connected. */
  era: string | undefined;
  protocolVersion: string | undefined;
  /** The upstream's own `serverInfo`: name and version. */
  server: string | undefined;
  /** Connections up, of which `busy` carry a call; `waiting` calls wait for one. */
  connections: number;
  busy: number;
  waiting: number;
  /** Requests sent, and those that failed in transport (timeouts, refused, open circuit). */
  calls: number;
  failures: number;
  lastError: string | undefined;
}

/**
 * Status a layer above the server reports about itself, read when someone looks (an observer
 * snapshot, a metrics scrape), never pushed: nothing is paid between looks.
 */
export class StatusBoard {
  #upstreams: (() => readonly UpstreamStatus[]) | undefined;

  /** Reports upstreams (one reporter per server; a later one replaces it). Returns the removal. */
  reportUpstreams(report: () => readonly UpstreamStatus[]): () => void {
    this.#upstreams = report;
    return () => {
      if (this.#upstreams === report) this.#upstreams = undefined;
    };
  }

  /** The upstreams now, or undefined when the server fronts none. */
  upstreams(): readonly UpstreamStatus[] | undefined {
    return this.#upstreams?.();
  }
}
