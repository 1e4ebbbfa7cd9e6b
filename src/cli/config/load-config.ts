import { readFileSync } from 'node:fs';
import type { RuntimeLimitsInput } from '../../admission/limits.js';
import { compileJsonSchema } from '../../schema/json-schema.js';
import type { HttpTransportOptions } from '../../transports/http/options.js';
import { ConfigError } from './config-error.js';
import { CONFIG_SCHEMA } from './config-schema.js';
import { configSuggestion } from './config-suggestion.js';
import { environmentLayers } from './environment.js';

export { ConfigError } from './config-error.js';
export { envName } from './environment.js';

/** What `erlmcp serve` runs, after defaults < config file < environment < flags. */
export interface ServeConfig {
  module: string;
  transport: 'stdio' | 'http' | 'ws' | 'tcp';
  /** Certificate and key files (PEM); `clientCa` turns on mutual TLS. */
  tls?: { cert: string; key: string; clientCa?: string; requireClientCert?: boolean };
  host: string;
  port: number;
  path: string;
  /** The observer page on the HTTP server: `true` at /observer, or a path. Default off. */
  observer?: boolean | string;
  /** HTTP worker processes on one port (1: no cluster). */
  workers: number;
  http: Pick<
    HttpTransportOptions,
    | 'maxBodyBytes'
    | 'receiveTimeoutMs'
    | 'maxResumableBytesPerSession'
    | 'resumeWindowMs'
    | 'trustedProxies'
    | 'sessionIdleMs'
    | 'maxSseBufferBytes'
    | 'keepAliveMs'
    | 'retryMs'
    | 'responseMode'
    | 'allowedHosts'
    | 'allowedOrigins'
  > & {
    /** GET path of the Prometheus metrics; `false`: no metrics at all. Default `/metrics`. */
    metricsPath?: string | false;
    /** Liveness and readiness paths; `false`: none. Default `/healthz` and `/readyz`. */
    healthPaths?: { live: string; ready: string } | false;
  };
  limits: RuntimeLimitsInput;
  /** OAuth resource server (HTTP and WebSocket): whose tokens are accepted and what they must hold. */
  /** One node of a cluster on Redis (docs/scale.md): `url` of one server, or cluster seeds joined by commas. */
  redis?: { url: string; cluster?: boolean };
  auth?: {
    issuer: string;
    /** What tokens' `aud` must contain. Default: `resource`. */
    audience?: string;
    /** The endpoint's public URL. Default: the URL served (scheme, host, port, path). */
    resource?: string;
    jwksUrl?: string;
    /** RFC 7662 introspection for opaque tokens, with this server's credentials at the issuer. */
    introspection?: { url?: string; clientId: string; clientSecret: string };
    requiredScopes?: string[];
    scopesSupported?: string[];
    /** Scopes `/metrics` and the observer need (default `erlmcp:admin`), or `open`. */
    adminScopes?: string[] | 'open';
    clockSkewSeconds?: number;
  };
}

const DEFAULTS = {
  transport: 'stdio',
  host: '127.0.0.1',
  port: 3000,
  path: '/mcp',
  workers: 1,
  http: {},
  limits: {},
};
const validate = compileJsonSchema(CONFIG_SCHEMA as unknown as Record<string, unknown>);

/**
 * Merges the layers and validates the result, naming the key and where its value came from.
 * `flags` are the command-line values already parsed (undefined when not given).
 */
export function loadConfig(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const file = flags.config ?? env.ERLMCP_CONFIG;
  const layers: [source: string, value: Record<string, unknown>][] = [['defaults', DEFAULTS]];
  if (typeof file === 'string') layers.push([file, readConfigFile(file)]);
  for (const { source, value } of environmentLayers(env)) layers.push([source, value]);
  const { config: _config, ...given } = flags;
  layers.push(['flags', given]);
  let merged: Record<string, unknown> = {};
  for (const [, layer] of layers) merged = deepMerge(merged, layer);
  const result = validate(merged);
  if (!result.ok) {
    const issue = result.issues[0]!;
    const key = issue.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    const from = layers.findLast(([, layer]) => hasPath(layer, issue.path))?.[0] ?? 'defaults';
    throw new ConfigError(
      `Invalid configuration: ${key} ${issue.message} (from ${from})${configSuggestion(issue, merged)}`,
    );
  }
  if (merged.module === undefined) throw new ConfigError('Invalid configuration: module is required');
  return merged as unknown as ServeConfig;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

function hasPath(value: Record<string, unknown>, pointer: string): boolean {
  let node: unknown = value;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    // Defined, not assigned: a `__proto__` key from JSON stays a key, which validation refuses.
    Object.defineProperty(out, key, {
      value: isObject(current) && isObject(value) ? deepMerge(current, value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
