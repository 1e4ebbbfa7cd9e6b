import { invalidParams } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import type { SubscriptionFilter } from '../../protocol/types.js';
import type { ServerCore } from '../core.js';
import type { Exchange, ListenSubscription } from '../exchange.js';
import type { Result } from './handler-types.js';

/** Named limit: resource URIs one subscription may watch. */
export const MAX_RESOURCE_SUBSCRIPTIONS = 1000;

/**
 * 2026 `subscriptions/listen`: acknowledge the honoured filter first, then stream change
 * notifications tagged with the subscription id until the client cancels or the server ends it
 * (then the request completes, which tells the client the end was graceful).
 */
export async function listen(core: ServerCore, exchange: Exchange): Promise<Result> {
  const filter = honouredFilter(core, exchange, exchange.params.notifications);
  const subscription: ListenSubscription = { id: exchange.id, filter, link: exchange.link };
  const meta = { [MetaKey.subscriptionId]: exchange.id };
  exchange.link.notify({
    jsonrpc: '2.0',
    method: 'notifications/subscriptions/acknowledged',
    params: { _meta: meta, notifications: filter },
  });
  core.listens.add(subscription);
  let dispose: (() => void) | undefined;
  try {
    await new Promise<void>((resolve) => {
      if (exchange.signal.aborted) resolve();
      exchange.signal.addEventListener('abort', () => resolve(), { once: true });
      dispose = core.onShutdown(resolve);
    });
  } finally {
    dispose?.();
    core.listens.delete(subscription);
  }
  return { _meta: meta };
}

function honouredFilter(core: ServerCore, exchange: Exchange, requested: unknown): SubscriptionFilter {
  if (requested === undefined) return {};
  if (!isPlainRecord(requested)) throw invalidParams('params.notifications must be an object');
  const filter: SubscriptionFilter = {};
  for (const key of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const) {
    const value = requested[key];
    if (value !== undefined && typeof value !== 'boolean')
      throw invalidParams(`params.notifications.${key} must be a boolean`);
    if (value) filter[key] = true;
  }
  const uris = requested.resourceSubscriptions;
  if (uris !== undefined) {
    if (!Array.isArray(uris) || uris.some((uri) => typeof uri !== 'string')) {
      throw invalidParams('params.notifications.resourceSubscriptions must be an array of strings');
    }
    if (uris.length > MAX_RESOURCE_SUBSCRIPTIONS)
      throw invalidParams(`At most ${MAX_RESOURCE_SUBSCRIPTIONS} resource subscriptions`);
    filter.resourceSubscriptions = uris as string[];
  }
  const taskIds = requested.taskIds;
  if (taskIds !== undefined && core.modernTasksEnabled(exchange)) {
    if (!Array.isArray(taskIds) || taskIds.some((id) => typeof id !== 'string')) {
      throw invalidParams('params.notifications.taskIds must be an array of strings');
    }
    filter.taskIds = taskIds as string[];
  }
  return filter;
}
