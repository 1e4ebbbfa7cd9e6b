import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '../../server/mcp-server.js';
import { observerPage } from './observer-page.js';
import { type ObserverSnapshot, ObserverState, type SessionView } from './observer-state.js';

export interface ObserverOptions {
  /** Where the page is served. Default `/observer`. */
  path?: string;
  /** How often the page gets a new snapshot. Default 1000 ms. */
  intervalMs?: number;
  /**
   * Where the page's data comes from instead of this process alone: a cluster worker shows the
   * whole cluster (its own view is the fallback when the source fails).
   */
  source?: ObserverSource;
}

/** The page's data for more than one process (a cluster's workers, merged by the primary). */
export interface ObserverSource {
  snapshot(): Promise<ObserverSnapshot>;
  session(id: string): Promise<SessionView | undefined>;
}

export interface ObserverHandler {
  readonly path: string;
  /** Serves the page, its SSE feed and the session drill-down; false for any other URL. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** This process's own view (a cluster's primary merges the workers'). */
  snapshot(): ObserverSnapshot;
  session(id: string): SessionView | undefined;
  close(): void;
}

/**
 * The live observer for one server: `GET <path>` (the page), `<path>/events` (a snapshot per second
 * over SSE) and `<path>/sessions/<id>` (a session's recent requests). Subscribes to erlmcp's
 * diagnostics events only while it exists; `close()` ends the feeds and the subscriptions.
 */
export function createObserver(server: McpServer, options: ObserverOptions = {}): ObserverHandler {
  const path = options.path ?? '/observer';
  const intervalMs = options.intervalMs ?? 1000;
  const state = new ObserverState(server);
  const feeds = new Set<ServerResponse>();
  const page = observerPage(path);
  const source = options.source;
  const snapshot = (): Promise<ObserverSnapshot> =>
    source ? source.snapshot().catch(() => state.snapshot()) : Promise.resolve(state.snapshot());
  const timer = setInterval(() => {
    if (feeds.size === 0) return;
    void snapshot().then((view) => {
      const data = `data: ${JSON.stringify(view)}\n\n`;
      for (const res of feeds) res.write(data);
    });
  }, intervalMs);
  timer.unref();

  return {
    path,
    handle(req, res) {
      if (req.method !== 'GET') return false;
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      if (pathname === path || pathname === `${path}/`) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // The page loads nothing from elsewhere; its one inline script is all it runs.
          'content-security-policy':
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
        });
        res.end(page);
        return true;
      }
      if (pathname === `${path}/events`) {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        if (source) {
          res.write('retry: 2000\n\n');
          void snapshot().then((view) => {
            if (!res.writableEnded) res.write(`data: ${JSON.stringify(view)}\n\n`);
          });
        } else res.write(`retry: 2000\ndata: ${JSON.stringify(state.snapshot())}\n\n`);
        feeds.add(res);
        res.once('close', () => feeds.delete(res));
        return true;
      }
      const prefix = `${path}/sessions/`;
      if (pathname.startsWith(prefix)) {
        const id = decodeURIComponent(pathname.slice(prefix.length));
        const local = state.session(id);
        const found = local || !source ? Promise.resolve(local) : source.session(id).catch(() => undefined);
        void found.then((session) => {
          res.writeHead(session ? 200 : 404, {
            'content-type': 'application/json',
            'cache-control': 'no-store',
          });
          res.end(JSON.stringify(session ?? { error: 'session not found' }));
        });
        return true;
      }
      return false;
    },
    snapshot: () => state.snapshot(),
    session: (id) => state.session(id),
    close() {
      clearInterval(timer);
      for (const res of feeds) res.end();
      feeds.clear();
      state.close();
    },
  };
}
