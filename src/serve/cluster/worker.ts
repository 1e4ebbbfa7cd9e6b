import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORWARDED_ADDRESS } from '../../transports/client-address.js';
import { FORWARDED_PRINCIPAL } from '../../transports/http/request-headers.js';
import type { HttpServerHandle, ServeHttpOptions } from '../serve-http.js';
import { clusterViewsInWorker } from './cluster-views.js';
import { CLUSTER_SECRET_ENV, isMessage, type RoutesMessage, type WorkerMessage } from './messages.js';
import { ADDRESS, FORWARDED, PRINCIPAL, SessionRouter } from './session-router.js';

/**
 * Inside a cluster worker: picks the worker's tag, gives `serve` the routing options, then opens the
 * private port other workers proxy this worker's sessions to and reports both to the primary.
 * A worker needs nothing of its own to die with its primary: when the primary is gone (SIGKILL
 * included), Node's cluster module exits the worker on the IPC 'disconnect' as soon as its event
 * loop turns, open SSE streams or not, within milliseconds (test/runtime/primary-death.test.ts).
 * Only a worker stuck in synchronous code outlives the primary, until that code returns.
 */
export async function runWorker(
  serve: (
    routing: Pick<ServeHttpOptions, 'sessionIdPrefix' | 'routeSession' | 'renderMetrics' | 'observerSource'>,
  ) => Promise<HttpServerHandle>,
  /** False on Redis: every worker is a node that serves any session, nothing is routed by owner. */
  routeSessions = true,
): Promise<HttpServerHandle> {
  const secret = process.env[CLUSTER_SECRET_ENV] ?? randomBytes(16).toString('hex');
  const router = new SessionRouter(randomBytes(4).toString('hex'), secret);
  process.on('message', (message: unknown) => {
    if (isMessage<RoutesMessage>(message, 'erlmcp:routes')) router.setRoutes(message.routes);
  });
  let handle: HttpServerHandle | undefined;
  // /metrics and the observer answer for the whole cluster, whichever worker a request lands on.
  const views = clusterViewsInWorker(() => handle);
  handle = await serve(
    routeSessions ? { sessionIdPrefix: router.prefix, routeSession: router.route, ...views } : views,
  );
  const internal = createServer((req, res) => {
    // Only a request carrying the cluster's secret is a proxied one; its identity header is believed.
    if (req.headers[FORWARDED] === secret) {
      const proxied = req as typeof req & { [FORWARDED_PRINCIPAL]?: string; [FORWARDED_ADDRESS]?: string };
      proxied[FORWARDED_PRINCIPAL] = String(req.headers[PRINCIPAL] ?? '');
      const address = req.headers[ADDRESS];
      if (typeof address === 'string' && address !== '') proxied[FORWARDED_ADDRESS] = address;
    }
    handle.requestListener(req, res);
  });
  await new Promise<void>((resolve) =>
    internal.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve),
  );
  handle.server.once('close', () => internal.close());
  const ready: WorkerMessage = {
    type: 'erlmcp:ready',
    url: handle.url,
    route: { tag: router.tag, internalPort: (internal.address() as AddressInfo).port },
  };
  process.send?.(ready);
  return handle;
}

/** A worker serving WebSocket or TCP: no session routing, it only reports that it listens. */
export function reportReady(url: string): void {
  const ready: WorkerMessage = { type: 'erlmcp:ready', url };
  process.send?.(ready);
}
