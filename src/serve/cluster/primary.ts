import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { RestartBudget } from '../../client/resilience/restart-budget.js';
import { channels, type RestartEvent } from '../../core/diagnostics.js';
import { REQUEST_STATE_SECRET_ENV } from '../../server/core.js';
import { serveClusterViews } from './cluster-views.js';
import { CLUSTER_SECRET_ENV, isMessage, type PrimaryMessage, type ReadyMessage } from './messages.js';

export interface PrimaryOptions {
  workers: number;
  /** Restart intensity: at most `maxRestarts` crashed workers restarted per `periodMs`. */
  restart?: { maxRestarts: number; periodMs: number };
  /** How long workers may drain on shutdown before they are killed. */
  drainTimeoutMs: number;
  /** Called once every first-generation worker listens. */
  onListening?: (url: string) => void;
  log?: (line: string) => void;
}

/**
 * The cluster primary: forks the workers, keeps the session routing table, restarts crashed
 * workers within the restart budget (past it, shuts down with exit code 1, like an OTP supervisor
 * giving up), and on SIGTERM/SIGINT drains every worker, then exits.
 */
export function runPrimary(options: PrimaryOptions): void {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const budget = new RestartBudget(options.restart?.maxRestarts ?? 5, options.restart?.periodMs ?? 60_000);
  const routes = new Map<Worker, { tag: string; port: number }>();
  let pendingFirst = options.workers;
  // Lets a worker believe the identity another worker forwards with a proxied request.
  const secret = randomBytes(16).toString('hex');
  const requestStateSecret = randomBytes(32).toString('hex');
  let stopping = false;
  let restarts = 0;

  const broadcast = () => {
    const message: PrimaryMessage = {
      type: 'erlmcp:routes',
      routes: Object.fromEntries([...routes.values()].map((route) => [route.tag, route.port])),
    };
    if (stopping) return;
    // A worker may disconnect between the check and the send: its error goes to the callback, not
    // to an unhandled 'error' event that would take the primary down.
    for (const worker of Object.values(cluster.workers ?? {}))
      if (worker?.isConnected()) worker.send(message, undefined, undefined, () => {});
  };

  const fork = () => {
    // Workers share one requestState key (a configured one, else one made here): the retry of a 2026
    // input round may reach any worker.
    const worker = cluster.fork({
      [CLUSTER_SECRET_ENV]: secret,
      [REQUEST_STATE_SECRET_ENV]: process.env[REQUEST_STATE_SECRET_ENV] || requestStateSecret,
    });
    worker.on('message', (message: unknown) => {
      if (!isMessage<ReadyMessage>(message, 'erlmcp:ready')) return;
      if (message.route) {
        routes.set(worker, { tag: message.route.tag, port: message.route.internalPort });
        broadcast();
      }
      log(`erlmcp: worker ${worker.process.pid} ready`);
      if (pendingFirst > 0 && --pendingFirst === 0) options.onListening?.(message.url);
    });
    worker.once('exit', (code, signal) => {
      routes.delete(worker);
      broadcast();
      if (stopping) return;
      log(`erlmcp: worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
      if (budget.tryRestart()) {
        restarts++;
        const event: RestartEvent = {
          kind: 'worker',
          id: String(worker.process.pid),
          reason: String(signal ?? code),
          count: restarts,
        };
        if (channels.restart.hasSubscribers) channels.restart.publish(event);
        fork();
        return;
      }
      log('erlmcp: workers crash too often (restart budget spent); shutting down');
      shutdown(1);
    });
  };

  const shutdown = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    const killTimer = setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
    }, options.drainTimeoutMs + 2_000);
    killTimer.unref();
    let left = live.length;
    if (left === 0) process.exit(exitCode);
    for (const worker of live) {
      worker.once('exit', () => {
        if (--left === 0) process.exit(exitCode);
      });
      worker.process.kill('SIGTERM');
    }
  };

  serveClusterViews();
  for (let i = 0; i < options.workers; i++) fork();
  process.once('SIGTERM', () => shutdown(0));
  process.once('SIGINT', () => shutdown(0));
}
