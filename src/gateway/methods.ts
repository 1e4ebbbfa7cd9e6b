import { invalidParams, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Tool } from '../protocol/types.js';
import type { ServerCore } from '../server/core.js';
import type { Exchange } from '../server/exchange.js';
import type { MethodHandler, Result } from '../server/handlers/handler-types.js';
import { subscribe as subscribeLocally } from '../server/handlers/resources.js';
import { listen as listenLocally } from '../server/handlers/subscriptions.js';
import { dispatchToolCall } from '../server/handlers/tools.js';
import { type InputChannel, InputRequiredSignal } from '../server/input-channel.js';
import { runWithInputs } from '../server/mrtr.js';
import { paginate } from '../server/pagination.js';
import { startToolTask } from '../server/tasks/task-handlers.js';
import type { Catalog, Route } from './catalog.js';
import { forward } from './forward.js';
import type { GatewayPolicy } from './policy.js';
import type { Upstream } from './upstream.js';
import { followUpstreamTask } from './upstream-task.js';

export interface GatewayParts {
  catalog: Catalog;
  policy: GatewayPolicy;
}

/**
 * The methods a gateway serves from its upstreams instead of a registry (`ServerCore.useMethods`).
 * Lifecycle, logging level, tasks and 2026 listen stay the server's own.
 */
export function gatewayMethods(parts: GatewayParts): Record<string, MethodHandler> {
  const { catalog, policy } = parts;
  return {
    'tools/list': async (core, exchange) => {
      const routes = (await catalog.toolRoutes()).filter((route) => policy.visible(route, exchange));
      return page(
        core,
        exchange,
        'tools',
        routes.map((route) => route.item),
      );
    },
    'tools/call': (core, exchange) => callTool(parts, core, exchange),
    'prompts/list': async (core, exchange) => page(core, exchange, 'prompts', await catalog.prompts()),
    'prompts/get': async (core, exchange) => {
      const name = requireString(exchange.params.name, 'params.name');
      const route = await catalog.prompt(name);
      if (!route) throw invalidParams(`Unknown prompt: ${name}`);
      return runWithInputs(core, exchange, (input) =>
        forward(
          route.upstream,
          'prompts/get',
          { ...withoutMeta(exchange.params), name: route.name },
          exchange,
          input,
        ),
      );
    },
    'resources/list': async (core, exchange) => page(core, exchange, 'resources', await catalog.resources()),
    'resources/templates/list': async (core, exchange) =>
      page(core, exchange, 'resourceTemplates', await catalog.templates()),
    'resources/read': async (_core, exchange) => {
      const uri = requireString(exchange.params.uri, 'params.uri');
      const owner = await ownerOf(catalog, exchange, uri);
      return forward(owner, 'resources/read', withoutMeta(exchange.params), exchange, undefined);
    },
    'resources/subscribe': async (core, exchange) => {
      const uri = requireString(exchange.params.uri, 'params.uri');
      const owner = await ownerOf(catalog, exchange, uri);
      if (owner.capabilities?.resources?.subscribe) await owner.subscribe(uri);
      return subscribeLocally(core, exchange);
    },
    'subscriptions/listen': async (core, exchange) => {
      const requested = isPlainRecord(exchange.params.notifications)
        ? exchange.params.notifications.resourceSubscriptions
        : undefined;
      if (Array.isArray(requested)) void followResources(catalog, requested, core);
      return listenLocally(core, exchange);
    },
    'completion/complete': (_core, exchange) => complete(catalog, exchange),
  };
}

async function callTool(parts: GatewayParts, core: ServerCore, exchange: Exchange): Promise<Result> {
  const name = requireString(exchange.params.name, 'params.name');
  const args = exchange.params.arguments ?? {};
  if (!isPlainRecord(args)) throw invalidParams('params.arguments must be an object');
  const route = await parts.catalog.tool(name);
  if (!route || !parts.policy.visible(route, exchange)) throw invalidParams(`Unknown tool: ${name}`);
  parts.policy.admit(route, exchange, name);
  // The gateway runs a task itself (its own task store); upstream the call is plain.
  const { task: _task, ...rest } = withoutMeta(exchange.params);
  const params = { ...rest, name: route.name, arguments: args };
  const call = (ex: Exchange, input: InputChannel, upstreamTasks = false) =>
    audited(parts, route, name, args, ex, () =>
      forward(route.upstream, 'tools/call', params, ex, input, upstreamTasks),
    );
  if (followsUpstreamTask(core, exchange, route)) {
    // The upstream decides, as it would for the caller: input first (MRTR, no task yet), then a
    // task of its own, which a gateway task stands for; or a result at once.
    return runWithInputs(core, exchange, async (input) => {
      const result = await call(exchange, input, true);
      if (result.resultType !== 'task') return result;
      return startToolTask(
        core,
        exchange,
        (signal, taskInput) => followUpstreamTask(route.upstream, result, signal, taskInput),
        undefined,
      );
    });
  }
  return dispatchToolCall(core, exchange, route.item, call);
}

/** A 2026 task-capable caller, a tool that may run as a task, an upstream of the 2026 era. */
function followsUpstreamTask(core: ServerCore, exchange: Exchange, route: Route<Tool>): boolean {
  return (
    exchange.era === 'modern' &&
    (route.item.execution?.taskSupport ?? 'forbidden') !== 'forbidden' &&
    core.modernTasksEnabled(exchange) &&
    route.upstream.era === 'modern'
  );
}

/** One upstream tools/call, with its audit line when auditing. */
async function audited(
  parts: GatewayParts,
  route: Route<Tool>,
  name: string,
  args: Record<string, unknown>,
  ex: Exchange,
  run: () => Promise<Result>,
): Promise<Result> {
  if (!parts.policy.auditing) return run();
  const started = performance.now();
  let outcome: 'ok' | 'tool_error' | 'error' | 'input_required' = 'error';
  let failure: string | undefined;
  try {
    const result = await run();
    outcome = result.isError === true ? 'tool_error' : 'ok';
    return result;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    if (error instanceof InputRequiredSignal) outcome = 'input_required';
    throw error;
  } finally {
    parts.policy.auditCall(route, name, args, ex, outcome, failure, performance.now() - started);
  }
}

async function complete(catalog: Catalog, exchange: Exchange): Promise<Result> {
  const ref = exchange.params.ref;
  if (!isPlainRecord(ref)) throw invalidParams('params.ref must be an object');
  if (ref.type === 'ref/prompt' && typeof ref.name === 'string') {
    const route = await catalog.prompt(ref.name);
    if (!route) throw invalidParams('Unknown completion reference');
    const params = { ...withoutMeta(exchange.params), ref: { ...ref, name: route.name } };
    return forward(route.upstream, 'completion/complete', params, exchange, undefined);
  }
  if (ref.type === 'ref/resource' && typeof ref.uri === 'string') {
    const owner = (await catalog.templateOwner(ref.uri)) ?? (await catalog.resourceOwner(ref.uri));
    if (!owner) throw invalidParams('Unknown completion reference');
    return forward(owner, 'completion/complete', withoutMeta(exchange.params), exchange, undefined);
  }
  throw invalidParams('params.ref must be a ref/prompt with a name or a ref/resource with a uri');
}

async function ownerOf(catalog: Catalog, exchange: Exchange, uri: string): Promise<Upstream> {
  const owner = await catalog.resourceOwner(uri);
  if (owner) return owner;
  // 2026 moved "not found" to InvalidParams; 2025 clients expect -32002.
  const code = exchange.era === 'modern' ? ErrorCode.InvalidParams : ErrorCode.LegacyResourceNotFound;
  throw new McpError(code, `Resource not found: ${uri}`, { uri });
}

/** A 2026 listen's resources are followed upstream too (never unfollowed: a bounded set of URIs). */
async function followResources(catalog: Catalog, uris: unknown[], core: ServerCore): Promise<void> {
  for (const uri of uris) {
    if (typeof uri !== 'string') continue;
    try {
      const owner = await catalog.resourceOwner(uri);
      if (owner?.capabilities?.resources?.subscribe) await owner.subscribe(uri);
    } catch (error) {
      core.diagnostic(`gateway: could not follow ${uri} upstream`, error);
    }
  }
}

function page(core: ServerCore, exchange: Exchange, field: string, items: readonly unknown[]): Result {
  const { page: slice, nextCursor } = paginate(items, exchange.params.cursor, core.pageSize);
  return nextCursor === undefined ? { [field]: slice } : { [field]: slice, nextCursor };
}

/** The caller's params minus its `_meta` (envelope, progress token): the upstream gets the gateway's own. */
function withoutMeta(params: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _drop, requestState: _state, inputResponses: _responses, ...rest } = params;
  return rest;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalidParams(`${what} must be a non-empty string`);
  return value;
}
