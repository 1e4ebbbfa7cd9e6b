import { channels } from '../core/diagnostics.js';
import type { Transport } from '../core/transport.js';
import type { ClientCore } from './client-core.js';
import { RestartBudget } from './resilience/restart-budget.js';

export interface KeepConnectedOptions {
  /** First retry delay; doubles each failed attempt up to `maxDelayMs`, with ±20% jitter. Default 250 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Restart intensity: give up after more than `maxRestarts` reconnections within `periodMs`. Default 10 per minute. */
  maxRestarts?: number;
  periodMs?: number;
  onReconnect?: (attempt: number) => void;
  onGiveUp?: (error: Error | undefined) => void;
}

/**
 * Keeps a client connected for long-lived use: when its connection is lost (TCP reset, a crashed
 * stdio server), a fresh transport from `connect` is opened with exponential backoff and the client
 * negotiates again (a 2025 server gets a new session). Requests in flight on the lost connection
 * fail with ERR_CONNECTION_CLOSED; nothing is replayed behind the caller's back.
 */
export function keepConnected(
  client: ClientCore,
  connect: () => Transport,
  options: KeepConnectedOptions = {},
): { ready: Promise<void>; stop: () => Promise<void> } {
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const budget = new RestartBudget(options.maxRestarts ?? 10, options.periodMs ?? 60_000);
  let stopped = false;
  let connecting = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;

  const attempt = async (delayMs: number, count: number): Promise<void> => {
    if (stopped) return;
    try {
      connecting = true;
      await client.connect(connect());
      connecting = false;
      if (count > 0) options.onReconnect?.(count);
    } catch (error) {
      connecting = false;
      if (count === 0) throw error; // the first connection's failure is the caller's to see
      const next = Math.min(maxDelayMs, delayMs * 2);
      const jittered = next * (0.8 + Math.random() * 0.4);
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, jittered);
      });
      return attempt(next, count + 1);
    }
  };

  const unsubscribe = client.onDisconnect((error) => {
    // A failed attempt closes its own half-open session; the attempt loop handles that retry.
    if (stopped || connecting) return;
    if (!budget.tryRestart()) {
      stopped = true;
      unsubscribe();
      options.onGiveUp?.(error);
      return;
    }
    restarts++;
    if (channels.restart.hasSubscribers)
      channels.restart.publish({
        kind: 'upstream',
        id: client.info.name,
        reason: error?.message ?? 'connection lost',
        count: restarts,
      });
    timer = setTimeout(() => void attempt(initialDelayMs, 1), initialDelayMs * (0.8 + Math.random() * 0.4));
  });

  return {
    ready: attempt(initialDelayMs, 0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      await client.close();
    },
  };
}
