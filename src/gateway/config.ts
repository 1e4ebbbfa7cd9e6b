import type { CircuitBreakerOptions } from '../client/resilience/circuit-breaker.js';
import { ErlmcpError } from '../jsonrpc/errors.js';

/** How the gateway authenticates to one upstream: its own credentials, never the caller's. */
export type UpstreamAuth =
  /** Static headers (an API key); `${NAME}` takes the gateway's environment variable NAME. */
  | { headers: Record<string, string> }
  /** OAuth client credentials grant (RFC 6749 §4.4) at the upstream's authorization server. */
  | {
      clientCredentials: {
        clientId: string;
        clientSecret?: string;
        scope?: string;
        issuer?: string;
      };
    };

export interface UpstreamConfig {
  /** A stdio server: the command and its arguments. */
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** A remote server: http(s) (Streamable HTTP, falling back to HTTP+SSE), ws(s), tcp or tls. */
  url?: string;
  /** Extra headers on every HTTP request to it (`${NAME}` expands from the environment). */
  headers?: Record<string, string>;
  auth?: UpstreamAuth;
  /** Which era to speak: `auto` (default) tries 2026 and falls back to 2025. */
  era?: 'auto' | 'modern' | 'legacy';
  /**
   * Prefix of this upstream's tool and prompt names downstream. Default `<name>__`; `""` passes
   * names through (they must then be unique across upstreams).
   */
  prefix?: string;
  /** Tools offered downstream: only these (`allow`), or all but these (`deny`). Upstream names. */
  tools?: { allow?: string[]; deny?: string[] };
  /** Scopes a caller's token must hold to see and call a tool (upstream name → scopes). */
  toolScopes?: Record<string, string[]>;
  /** Connections kept to it; each carries one call at a time. Default 4 (stdio) or 16. */
  poolSize?: number;
  /** Idle timeout of one call (progress resets it). Default 60 s. */
  timeoutMs?: number;
  circuitBreaker?: Pick<CircuitBreakerOptions, 'failureThreshold' | 'openMs'>;
  /** Restarts of a lost connection allowed within `periodMs` before the upstream is given up. */
  restart?: { maxRestarts?: number; periodMs?: number; maxDelayMs?: number };
}

export interface RateLimitConfig {
  perSecond: number;
  burst: number;
}

export interface GatewayConfig {
  name?: string;
  version?: string;
  upstreams: Record<string, UpstreamConfig>;
  /**
   * `prefixed` (default): every upstream's names carry its prefix. `auto`: names pass through when
   * unique across upstreams and take the prefix only on a collision.
   */
  naming?: 'prefixed' | 'auto';
  /** Calls per principal (anonymous callers share one bucket) and per downstream tool name. */
  rateLimits?: { perPrincipal?: RateLimitConfig; perTool?: Record<string, RateLimitConfig> };
  /** One structured line per tool call (stderr by default), arguments redacted. Default true. */
  audit?: boolean | { redactKeys?: string[] };
  /** Hide tools whose scopes the caller's token lacks. Default true when any `toolScopes` is set. */
  hideUnauthorizedTools?: boolean;
}

/** A malformed gateway configuration: names the key at fault. */
export class GatewayConfigError extends ErlmcpError {
  constructor(message: string) {
    super('ERR_INVALID_CONFIG', message);
  }
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const UPSTREAM_KEYS = new Set([
  'command',
  'args',
  'env',
  'cwd',
  'url',
  'headers',
  'auth',
  'era',
  'prefix',
  'tools',
  'toolScopes',
  'poolSize',
  'timeoutMs',
  'circuitBreaker',
  'restart',
]);
const GATEWAY_KEYS = new Set([
  'name',
  'version',
  'upstreams',
  'naming',
  'rateLimits',
  'audit',
  'hideUnauthorizedTools',
]);

/** Checks a parsed gateway.json; every problem names its key. */
export function parseGatewayConfig(value: unknown): GatewayConfig {
  const config = record(value, 'the gateway configuration');
  unknownKeys(config, GATEWAY_KEYS, '');
  const upstreams = record(config.upstreams, 'upstreams');
  if (Object.keys(upstreams).length === 0)
    throw new GatewayConfigError('upstreams: give at least one upstream');
  for (const [name, upstream] of Object.entries(upstreams)) checkUpstream(name, upstream);
  if (config.naming !== undefined && config.naming !== 'prefixed' && config.naming !== 'auto')
    throw new GatewayConfigError(
      `naming must be "prefixed" or "auto" (got ${JSON.stringify(config.naming)})`,
    );
  return config as unknown as GatewayConfig;
}

function checkUpstream(name: string, value: unknown): void {
  if (!NAME.test(name))
    throw new GatewayConfigError(`upstreams.${name}: a name is 1-64 letters, digits, _ . or -`);
  const upstream = record(value, `upstreams.${name}`);
  unknownKeys(upstream, UPSTREAM_KEYS, `upstreams.${name}.`);
  const hasCommand = typeof upstream.command === 'string';
  const hasUrl = typeof upstream.url === 'string';
  if (hasCommand === hasUrl)
    throw new GatewayConfigError(`upstreams.${name}: give either "command" (stdio) or "url"`);
  if (hasUrl) {
    try {
      new URL(upstream.url as string);
    } catch {
      throw new GatewayConfigError(`upstreams.${name}.url is not a URL: ${String(upstream.url)}`);
    }
  }
  if (upstream.args !== undefined && !stringArray(upstream.args))
    throw new GatewayConfigError(`upstreams.${name}.args must be an array of strings`);
  if (upstream.era !== undefined && !['auto', 'modern', 'legacy'].includes(upstream.era as string))
    throw new GatewayConfigError(`upstreams.${name}.era must be auto, modern or legacy`);
  if (
    upstream.prefix !== undefined &&
    !(typeof upstream.prefix === 'string' && /^[A-Za-z0-9_.-]*$/.test(upstream.prefix))
  )
    throw new GatewayConfigError(`upstreams.${name}.prefix must be letters, digits, _ . or - (or "")`);
  if (
    upstream.poolSize !== undefined &&
    !(Number.isInteger(upstream.poolSize) && (upstream.poolSize as number) >= 1)
  )
    throw new GatewayConfigError(`upstreams.${name}.poolSize must be a whole number ≥ 1`);
  const auth = upstream.auth;
  if (auth !== undefined) {
    const given = record(auth, `upstreams.${name}.auth`);
    if ('tokenExchange' in given) {
      throw new GatewayConfigError(
        `upstreams.${name}.auth.tokenExchange: token exchange (RFC 8693) is not implemented; use headers or clientCredentials`,
      );
    }
    if (!('headers' in given) && !('clientCredentials' in given))
      throw new GatewayConfigError(`upstreams.${name}.auth must have "headers" or "clientCredentials"`);
    if ('clientCredentials' in given && !hasUrl)
      throw new GatewayConfigError(`upstreams.${name}.auth.clientCredentials needs an HTTP url upstream`);
  }
  if (hasCommand && (upstream.headers !== undefined || upstream.auth !== undefined)) {
    throw new GatewayConfigError(
      `upstreams.${name}: headers and auth are for URL upstreams; a stdio server takes credentials from env`,
    );
  }
}

/**
 * `--upstream NAME=TARGET`: TARGET is a URL, or a command line split at spaces
 * (`everything=npx -y @modelcontextprotocol/server-everything`).
 */
export function upstreamFromFlag(flag: string): [string, UpstreamConfig] {
  const at = flag.indexOf('=');
  const name = at > 0 ? flag.slice(0, at) : '';
  const target = flag.slice(at + 1).trim();
  if (!NAME.test(name) || target === '') {
    throw new GatewayConfigError(
      `--upstream takes NAME=URL or NAME=COMMAND (got "${flag}"), e.g. --upstream weather=https://example.com/mcp`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return [name, { url: target }];
  const [command, ...args] = target.split(/\s+/);
  return [name, { command: command as string, args }];
}

/** `${NAME}` in a header value or env entry comes from this process's environment. */
export function expandEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
    const found = env[key];
    if (found === undefined) throw new GatewayConfigError(`the environment variable ${key} is not set`);
    return found;
  });
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GatewayConfigError(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function unknownKeys(value: Record<string, unknown>, known: Set<string>, at: string): void {
  for (const key of Object.keys(value))
    if (!known.has(key))
      throw new GatewayConfigError(`${at}${key} is not a gateway setting (known: ${[...known].join(', ')})`);
}

function stringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
