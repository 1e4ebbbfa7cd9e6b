import cluster, { type Worker } from 'node:cluster';
import {
  type GatherAsk,
  type GatherPart,
  type GatherRequest,
  type GatherResult,
  isMessage,
  type PrimaryMessage,
  type WorkerMessage,
} from './messages.js';

/** Named limits: how long the primary waits for workers' parts, and a worker for the primary. */
export const COLLECT_TIMEOUT_MS = 2_000;
export const GATHER_TIMEOUT_MS = 5_000;

/** How the primary makes one view of the workers' parts. */
export type Merge = (parts: unknown[]) => unknown;
/** How a worker produces its part of a view. */
export type Provide = (arg: string | undefined) => unknown;

/**
 * In the primary: a worker that needs the whole cluster's view (a scrape of `/metrics`, the observer)
 * asks here; the primary asks every live worker for its part over IPC, merges the parts and answers.
 * A worker that does not answer within COLLECT_TIMEOUT_MS is left out of that view.
 */
export function serveGathering(merges: Record<string, Merge>): void {
  const pending = new Map<number, { parts: unknown[]; waiting: Set<Worker>; finish: () => void }>();
  let nextId = 0;
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (isMessage<GatherPart>(message, 'erlmcp:gather:part')) {
      const gathering = pending.get(message.id);
      if (!gathering?.waiting.delete(worker)) return;
      gathering.parts.push(message.part);
      if (gathering.waiting.size === 0) gathering.finish();
      return;
    }
    if (!isMessage<GatherRequest>(message, 'erlmcp:gather')) return;
    const answer = (reply: GatherResult) => {
      if (worker.isConnected()) worker.send(reply, undefined, undefined, () => {});
    };
    const merge = merges[message.view];
    if (merge === undefined) {
      answer({ type: 'erlmcp:gather:result', id: message.id, error: `no cluster view ${message.view}` });
      return;
    }
    const id = nextId++;
    const workers = Object.values(cluster.workers ?? {}).filter((live) => live?.isConnected()) as Worker[];
    const gathering = { parts: [] as unknown[], waiting: new Set(workers), finish: () => {} };
    const timer = setTimeout(() => gathering.finish(), COLLECT_TIMEOUT_MS);
    gathering.finish = () => {
      clearTimeout(timer);
      pending.delete(id);
      Promise.resolve()
        .then(() => merge(gathering.parts))
        .then(
          (result) => answer({ type: 'erlmcp:gather:result', id: message.id, result }),
          (error: unknown) => answer({ type: 'erlmcp:gather:result', id: message.id, error: String(error) }),
        );
    };
    pending.set(id, gathering);
    const ask: PrimaryMessage = {
      type: 'erlmcp:gather:ask',
      id,
      view: message.view,
      ...(message.arg === undefined ? {} : { arg: message.arg }),
    };
    for (const live of workers) live.send(ask, undefined, undefined, () => {});
    if (workers.length === 0) gathering.finish();
  });
}

/**
 * In a worker: answers the primary's asks with `provide[view]`, and returns `gather(view, arg)`,
 * which resolves to the primary's merged view of every worker's part.
 */
export function workerGathering(
  provide: Record<string, Provide>,
): (view: string, arg?: string) => Promise<unknown> {
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (isMessage<GatherAsk>(message, 'erlmcp:gather:ask')) {
      const provider = provide[message.view];
      void Promise.resolve()
        .then(() => provider?.(message.arg))
        .catch(() => undefined)
        .then((part) => {
          const reply: WorkerMessage = { type: 'erlmcp:gather:part', id: message.id, part: part ?? null };
          process.send?.(reply);
        });
      return;
    }
    if (!isMessage<GatherResult>(message, 'erlmcp:gather:result')) return;
    const gathering = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) gathering?.reject(new Error(message.error));
    else gathering?.resolve(message.result);
  });
  return (view, arg) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the cluster primary did not answer within ${GATHER_TIMEOUT_MS} ms`));
      }, GATHER_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: WorkerMessage = {
        type: 'erlmcp:gather',
        id,
        view,
        ...(arg === undefined ? {} : { arg }),
      };
      process.send?.(request);
    });
}
