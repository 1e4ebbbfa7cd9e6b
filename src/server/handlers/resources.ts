import { invalidParams, McpError } from '../../jsonrpc/errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { HandlerContext } from '../context.js';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';
import { runWithInputs } from '../mrtr.js';
import { paginate } from '../pagination.js';
import type { Result } from './handler-types.js';

export async function listResources(core: ServerCore, exchange: Exchange): Promise<Result> {
  let items = core.registry.resourceList();
  const listers = [...core.registry.templates.values()].filter((entry) => entry.config.list);
  if (listers.length > 0) {
    const ctx = new HandlerContext(exchange, noInput);
    const listed = await Promise.all(listers.map((entry) => entry.config.list?.(ctx) ?? []));
    items = [...items, ...listed.flat()];
  }
  const { page, nextCursor } = paginate(items, exchange.params.cursor, core.pageSize);
  return nextCursor === undefined ? { resources: page } : { resources: page, nextCursor };
}

export function listResourceTemplates(core: ServerCore, exchange: Exchange): Result {
  const { page, nextCursor } = paginate(core.registry.templateList(), exchange.params.cursor, core.pageSize);
  return nextCursor === undefined ? { resourceTemplates: page } : { resourceTemplates: page, nextCursor };
}

export async function readResource(core: ServerCore, exchange: Exchange): Promise<Result> {
  const uri = requireUri(exchange);
  const resource = core.registry.resources.get(uri);
  const matched = resource ? undefined : core.registry.matchTemplate(uri);
  if (!resource && !matched) {
    // 2026 moved "not found" to InvalidParams; 2025 clients expect -32002.
    const code = exchange.era === 'modern' ? ErrorCode.InvalidParams : ErrorCode.LegacyResourceNotFound;
    throw new McpError(code, `Resource not found: ${uri}`, { uri });
  }
  const config = resource?.config ?? matched?.entry.config;
  const result = await runWithInputs(core, exchange, async (input) => {
    const ctx = new HandlerContext(exchange, input);
    const read = resource
      ? await resource.config.read(uri, ctx)
      : await matched!.entry.config.read(uri, matched!.variables, ctx);
    return read as Result;
  });
  if (exchange.era === 'modern' && result.resultType === undefined && config) {
    if (config.ttlMs !== undefined) result.ttlMs = config.ttlMs;
    if (config.cacheScope !== undefined) result.cacheScope = config.cacheScope;
  }
  return result;
}

export function subscribe(_core: ServerCore, exchange: Exchange): Result {
  exchange.session?.subscriptions.add(requireUri(exchange));
  return {};
}

export function unsubscribe(_core: ServerCore, exchange: Exchange): Result {
  exchange.session?.subscriptions.delete(requireUri(exchange));
  return {};
}

function requireUri(exchange: Exchange): string {
  const uri = exchange.params.uri;
  if (typeof uri !== 'string' || uri.length === 0)
    throw invalidParams('params.uri must be a non-empty string');
  return uri;
}

const noInput = {
  ask: () => Promise.reject(invalidParams('resources/list cannot ask the client for input')),
};
