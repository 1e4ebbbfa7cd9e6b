import { rateLimited } from '../admission/limit-errors.js';
import { KeyedRateLimiter } from '../admission/token-bucket.js';
import type { Tool } from '../protocol/types.js';
import type { Exchange } from '../server/exchange.js';
import { holdsAll, insufficientScope, missingScopes } from '../server/scopes.js';
import type { Route, ToolFilter } from './catalog.js';
import type { GatewayConfig, UpstreamConfig } from './config.js';
import type { Upstream } from './upstream.js';

/** One tool call as the audit log records it: who, what, where, how it ended; no argument values. */
export interface AuditLine {
  time: string;
  principal: string | undefined;
  tool: string;
  upstream: string;
  upstreamTool: string;
  /** Argument names with the type of each value; values themselves are never logged. */
  arguments: Record<string, string>;
  outcome: 'ok' | 'tool_error' | 'error' | 'input_required';
  error?: string;
  durationMs: number;
}

/** Keys whose value's length is not logged either (it can hint at a secret). */
const SECRET_KEY = /pass|secret|token|key|auth|credential|cookie|session/i;

/**
 * What a caller may see and do: allow/deny lists per upstream, scopes per tool, rate limits per
 * principal and per tool, and one audit line per call.
 */
export class GatewayPolicy implements ToolFilter {
  readonly #perPrincipal: KeyedRateLimiter | undefined;
  readonly #perTool = new Map<string, KeyedRateLimiter>();
  readonly #hideUnauthorized: boolean;

  constructor(
    config: GatewayConfig,
    private readonly upstreamConfig: (upstream: Upstream) => UpstreamConfig,
    private readonly writeAudit: ((line: AuditLine) => void) | undefined,
  ) {
    const limits = config.rateLimits;
    if (limits?.perPrincipal) this.#perPrincipal = new KeyedRateLimiter(limits.perPrincipal);
    for (const [tool, rate] of Object.entries(limits?.perTool ?? {}))
      this.#perTool.set(tool, new KeyedRateLimiter(rate));
    const anyScopes = Object.values(config.upstreams).some((upstream) => upstream.toolScopes);
    this.#hideUnauthorized = config.hideUnauthorizedTools ?? anyScopes;
  }

  offered(upstream: Upstream, name: string): boolean {
    const lists = this.upstreamConfig(upstream).tools;
    if (lists?.allow && !lists.allow.includes(name)) return false;
    return !lists?.deny?.includes(name);
  }

  scopesOf(route: Route<Tool>): readonly string[] | undefined {
    return this.upstreamConfig(route.upstream).toolScopes?.[route.name];
  }

  /** Whether the caller sees the tool in lists (hidden when its token lacks the tool's scopes). */
  visible(route: Route<Tool>, exchange: Exchange): boolean {
    if (!this.#hideUnauthorized || !exchange.auth) return true;
    return holdsAll(this.scopesOf(route), exchange.auth.scopes);
  }

  /** Throws when the caller may not call the tool now: missing scopes, or a rate limit. */
  admit(route: Route<Tool>, exchange: Exchange, exposedName: string): void {
    const needed = this.scopesOf(route);
    if (needed && exchange.auth && missingScopes(needed, exchange.auth.scopes).length > 0)
      throw insufficientScope(needed);
    if (needed && !exchange.auth && needed.length > 0) throw insufficientScope(needed);
    const principal = exchange.principal ?? 'anonymous';
    const waitPrincipal = this.#perPrincipal?.take(principal) ?? 0;
    if (waitPrincipal > 0) throw rateLimited('perPrincipal', waitPrincipal);
    const waitTool = this.#perTool.get(exposedName)?.take(exposedName) ?? 0;
    if (waitTool > 0) throw rateLimited('perTool', waitTool);
  }

  get auditing(): boolean {
    return this.writeAudit !== undefined;
  }

  auditCall(
    route: Route<Tool>,
    exposedName: string,
    args: Record<string, unknown>,
    exchange: Exchange,
    outcome: AuditLine['outcome'],
    error: string | undefined,
    durationMs: number,
  ): void {
    const line: AuditLine = {
      time: new Date().toISOString(),
      principal: exchange.principal,
      tool: exposedName,
      upstream: route.upstream.name,
      upstreamTool: route.name,
      arguments: redactArguments(args),
      outcome,
      durationMs: Math.round(durationMs * 10) / 10,
    };
    if (error !== undefined) line.error = error;
    this.writeAudit?.(line);
  }
}

/** Argument names and the kind of each value (`string(12)`, `number`, `object`); secrets only `redacted`. */
export function redactArguments(args: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (SECRET_KEY.test(key)) out[key] = 'redacted';
    else if (typeof value === 'string') out[key] = `string(${value.length})`;
    else if (Array.isArray(value)) out[key] = `array(${value.length})`;
    else out[key] = value === null ? 'null' : typeof value;
  }
  return out;
}
