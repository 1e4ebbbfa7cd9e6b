import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '../../server/mcp-server.js';
import { observerPage } from './observer-page.js';
import { ObserverState } from './observer-state.js';

export interface ObserverOptions {
  /** Where the page is served. Default `/observer`. */
  path?: string;
  /** How often the page gets a new snapshot. Default 1000 ms. */
  intervalMs?: number;
}

export interface ObserverHandler {
  readonly path: string;
  /** Serves the page, its SSE feed and the session drill-down; false for any other URL. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
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
  const timer = setInterval(() => {
    if (feeds.size === 0) return;
    const data = `data: ${JSON.stringify(state.snapshot())}\n\n`;
    for (const res of feeds) res.write(data);
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
        res.write(`retry: 2000\ndata: ${JSON.stringify(state.snapshot())}\n\n`);
        feeds.add(res);
        res.once('close', () => feeds.delete(res));
        return true;
      }
      const prefix = `${path}/sessions/`;
      if (pathname.startsWith(prefix)) {
        const session = state.session(decodeURIComponent(pathname.slice(prefix.length)));
        res.writeHead(session ? 200 : 404, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        });
        res.end(JSON.stringify(session ?? { error: 'session not found' }));
        return true;
      }
      return false;
    },
    close() {
      clearInterval(timer);
      for (const res of feeds) res.end();
      feeds.clear();
      state.close();
    },
  };
}
