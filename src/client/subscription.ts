import { isPlainRecord } from '../jsonrpc/message.js';
import { MetaKey } from '../protocol/meta-keys.js';
import type { RequestId, SubscriptionFilter } from '../protocol/types.js';

export type SubscriptionEnd = 'graceful' | 'local' | 'remote';

/**
 * One 2026 `subscriptions/listen` stream. Notifications tagged with its id reach `onNotification`;
 * `acknowledged` resolves with the filter the server agreed to honour.
 */
export class Subscription {
  id: RequestId | undefined;
  readonly acknowledged: Promise<SubscriptionFilter>;
  readonly closed: Promise<SubscriptionEnd>;
  readonly #controller = new AbortController();
  #acknowledge!: (filter: SubscriptionFilter) => void;
  #end!: (end: SubscriptionEnd) => void;

  constructor(
    readonly requested: SubscriptionFilter,
    private readonly onNotification: (method: string, params: Record<string, unknown>) => void,
  ) {
    this.acknowledged = new Promise((resolve) => {
      this.#acknowledge = resolve;
    });
    this.closed = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Ends the stream from this side (stdio: `notifications/cancelled`; HTTP: the stream closes). */
  async close(): Promise<void> {
    this.#controller.abort('subscription closed by the client');
    this.#end('local');
    await this.closed;
  }

  /** Routes a notification if it belongs to this subscription; returns whether it did. */
  deliver(method: string, params: Record<string, unknown>): boolean {
    const meta = isPlainRecord(params._meta) ? params._meta : undefined;
    if (this.id === undefined || meta?.[MetaKey.subscriptionId] !== this.id) return false;
    if (method === 'notifications/subscriptions/acknowledged') {
      this.#acknowledge(
        isPlainRecord(params.notifications) ? (params.notifications as SubscriptionFilter) : {},
      );
    } else {
      this.onNotification(method, params);
    }
    return true;
  }

  /** The listen request ended: a result means the server closed it gracefully. */
  settle(outcome: 'graceful' | 'remote'): void {
    this.#acknowledge({});
    this.#end(this.#controller.signal.aborted ? 'local' : outcome);
  }
}
