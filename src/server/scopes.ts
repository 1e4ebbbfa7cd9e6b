import { McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ServerCore } from './core.js';

/** Open to any caller with a valid token: opening a session, discovering the server, liveness. */
const OPEN_METHODS: ReadonlySet<string> = new Set(['initialize', 'server/discover', 'ping']);
const NONE: readonly string[] = [];

/**
 * The OAuth scopes one request needs: the method's own (`methodScopes`) and those of the tool,
 * resource (or template) or prompt it names (or listens to, or completes the arguments of). Decided from the method and its params alone, before
 * any handler runs, so HTTP can answer 403 with every needed scope in one challenge.
 */
export function requiredScopes(
  core: ServerCore,
  method: string,
  params: Record<string, unknown>,
  /** Scopes every request needs (the resource server's own), on top of the method's and target's. */
  baseline: readonly string[] = NONE,
): readonly string[] {
  if (OPEN_METHODS.has(method)) return NONE;
  const byMethod = core.options.methodScopes?.[method] ?? NONE;
  const byTarget = targetScopes(core, method, params) ?? NONE;
  if (byMethod.length + byTarget.length === 0) return baseline;
  if (baseline.length + byMethod.length === 0) return byTarget;
  return [...new Set([...baseline, ...byMethod, ...byTarget])];
}

function targetScopes(core: ServerCore, method: string, params: Record<string, unknown>) {
  const { registry } = core;
  switch (method) {
    case 'tools/call':
      return typeof params.name === 'string' ? registry.tools.get(params.name)?.config.scopes : undefined;
    case 'prompts/get':
      return typeof params.name === 'string' ? registry.prompts.get(params.name)?.config.scopes : undefined;
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return typeof params.uri === 'string' ? resourceScopes(core, params.uri) : undefined;
    // The 2026 subscribe: a listen for resources' updates needs what subscribing to each would.
    case 'subscriptions/listen': {
      const uris = isPlainRecord(params.notifications)
        ? params.notifications.resourceSubscriptions
        : undefined;
      if (!Array.isArray(uris)) return undefined;
      const scopes = new Set<string>();
      for (const uri of uris)
        if (typeof uri === 'string') for (const scope of resourceScopes(core, uri) ?? NONE) scopes.add(scope);
      return [...scopes];
    }
    // Completions of a prompt's or template's arguments come from it: they need its scopes.
    case 'completion/complete': {
      const ref = params.ref;
      if (!isPlainRecord(ref)) return undefined;
      if (ref.type === 'ref/prompt' && typeof ref.name === 'string')
        return registry.prompts.get(ref.name)?.config.scopes;
      if (ref.type === 'ref/resource' && typeof ref.uri === 'string')
        return (
          registry.templates.get(ref.uri)?.config.scopes ?? registry.resources.get(ref.uri)?.config.scopes
        );
      return undefined;
    }
    default:
      return undefined;
  }
}

function resourceScopes(core: ServerCore, uri: string): readonly string[] | undefined {
  const resource = core.registry.resources.get(uri);
  return resource ? resource.config.scopes : core.registry.matchTemplate(uri)?.entry.config.scopes;
}

/** The needed scopes `granted` lacks (empty when it holds them all). */
export function missingScopes(needed: readonly string[], granted: readonly string[]): readonly string[] {
  if (needed.length === 0) return NONE;
  return needed.filter((scope) => !granted.includes(scope));
}

/** Whether a caller holding `granted` may call a tool that needs `needed` (for hiding tools). */
export function holdsAll(needed: readonly string[] | undefined, granted: readonly string[]): boolean {
  return !needed || needed.every((scope) => granted.includes(scope));
}

/**
 * The JSON-RPC form of a scope refusal, for transports without an HTTP status per request
 * (WebSocket, TCP); HTTP answers 403 with a `WWW-Authenticate` challenge instead.
 */
export function insufficientScope(needed: readonly string[]): McpError {
  return new McpError(
    ErrorCode.InsufficientScope,
    `Insufficient scope: this operation needs ${needed.join(' ')}`,
    { scopes: [...needed] },
  );
}
