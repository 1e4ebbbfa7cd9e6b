import { methodsWhere } from '../protocol/methods.js';
import type { ServerCore } from './core.js';
import { complete } from './handlers/completion.js';
import type { MethodHandler } from './handlers/handler-types.js';
import { discover, ping, setLogLevel } from './handlers/lifecycle.js';
import { getPrompt, listPrompts } from './handlers/prompts.js';
import {
  listResources,
  listResourceTemplates,
  readResource,
  subscribe,
  unsubscribe,
} from './handlers/resources.js';
import { listen } from './handlers/subscriptions.js';
import { callTool, listTools } from './handlers/tools.js';
import { cancelTask, getTask, listTasks, taskResult, updateTask } from './tasks/task-handlers.js';

const shared: Record<string, MethodHandler> = {
  'tools/list': listTools,
  'tools/call': callTool,
  'resources/list': listResources,
  'resources/templates/list': listResourceTemplates,
  'resources/read': readResource,
  'prompts/list': listPrompts,
  'prompts/get': getPrompt,
  'completion/complete': complete,
  'tasks/get': getTask,
  'tasks/cancel': cancelTask,
};

/** Methods a 2025-era session may call (`initialize` is handled by the connection: it makes the session). */
export const SESSION_METHODS = new Map<string, MethodHandler>(
  Object.entries({
    ...shared,
    ping,
    'resources/subscribe': subscribe,
    'resources/unsubscribe': unsubscribe,
    'logging/setLevel': setLogLevel,
    'tasks/result': taskResult,
    'tasks/list': listTasks,
  }),
);

/** Methods of the stateless 2026 era (ping, setLevel, subscribe are gone; listen and discover are new). */
export const MODERN_METHODS = new Map<string, MethodHandler>(
  Object.entries({
    ...shared,
    'server/discover': discover,
    'subscriptions/listen': listen,
    'tasks/update': updateTask,
  }),
);

/** 2025 task methods exist from 2025-11-25 on. */
export const SESSION_TASK_METHODS = new Set(['tasks/get', 'tasks/cancel', 'tasks/result', 'tasks/list']);
/** 2026 task methods exist only with the tasks extension. */
export const MODERN_TASK_METHODS = new Set(['tasks/get', 'tasks/cancel', 'tasks/update']);

/** 2026 results that carry cache hints (protocol/methods.ts). */
export const CACHEABLE_METHODS = methodsWhere('cacheable');

/** Requests that legitimately stay open: no idle timeout applies. */
export const LONG_LIVED_METHODS = methodsWhere('longLived');

/**
 * Serves some methods with other handlers (a gateway's lists come from its upstreams, not the
 * registry). Only methods of each era's table: a method a revision lacks stays unknown. Before serving.
 */
export function useMethods(core: ServerCore, handlers: Readonly<Record<string, MethodHandler>>): void {
  const replace = (table: ReadonlyMap<string, MethodHandler>) => {
    const next = new Map(table);
    for (const [method, handler] of Object.entries(handlers)) if (next.has(method)) next.set(method, handler);
    return next;
  };
  core.methodTables = {
    session: replace(sessionMethodsOf(core)),
    modern: replace(modernMethodsOf(core)),
  };
}

/** The methods a 2025 session of this server may call. */
export function sessionMethodsOf(core: ServerCore): ReadonlyMap<string, MethodHandler> {
  // Only MethodHandlers ever enter methodTables (useMethods above).
  return (core.methodTables?.session as ReadonlyMap<string, MethodHandler> | undefined) ?? SESSION_METHODS;
}

/** The methods of the 2026 era on this server. */
export function modernMethodsOf(core: ServerCore): ReadonlyMap<string, MethodHandler> {
  return (core.methodTables?.modern as ReadonlyMap<string, MethodHandler> | undefined) ?? MODERN_METHODS;
}
