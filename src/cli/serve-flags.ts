import { loadConfig, type ServeConfig } from './config/load-config.js';
import type { SERVE_OPTIONS } from './options.js';
import { UsageError } from './usage-error.js';

/** The flags of `erlmcp serve` as parsed (every one may be absent). */
export type ServeFlags = { [K in Exclude<keyof typeof SERVE_OPTIONS, 'help' | 'version'>]?: FlagValue<K> };
type FlagValue<K extends keyof typeof SERVE_OPTIONS> =
  | ((typeof SERVE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string)
  | undefined;

/** Flags that only mean something on a network transport. */
const NETWORK_FLAGS = [
  'host',
  'port',
  'path',
  'workers',
  'observer',
  'metrics-path',
  'tls-cert',
  'tls-key',
  'tls-client-ca',
  'auth-issuer',
  'auth-audience',
  'auth-jwks',
  'auth-introspection',
  'redis',
] as const;

/** The configuration `erlmcp serve <module>` runs with these flags (file and environment layered under them). */
export function serveConfig(module: string, flags: ServeFlags): ServeConfig {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const metricsPath = flags['metrics-path'];
  const config = loadConfig({
    module,
    transport: flags.transport,
    host: flags.host,
    port: number(flags.port),
    path: flags.path,
    workers: number(flags.workers),
    observer: flags.observer,
    // `--metrics-path /m` moves the endpoint, `--metrics-path false` removes it.
    http:
      metricsPath === undefined ? undefined : { metricsPath: metricsPath === 'false' ? false : metricsPath },
    config: flags.config,
    auth: authFlags(flags),
    redis: flags.redis === undefined ? undefined : { url: flags.redis },
    tls:
      flags['tls-cert'] || flags['tls-key'] || flags['tls-client-ca']
        ? { cert: flags['tls-cert'], key: flags['tls-key'], clientCa: flags['tls-client-ca'] }
        : undefined,
  });
  if (config.transport === 'stdio' && config.auth) {
    // The spec: a stdio server takes its credentials from the environment, not OAuth.
    throw new UsageError('auth (OAuth) needs an http or ws transport: stdio servers do not use OAuth');
  }
  if (config.redis && config.transport !== 'http') {
    throw new UsageError(
      `redis (scale-out) shares 2025 HTTP sessions between nodes: it needs --transport http, not ${config.transport}`,
    );
  }
  if (config.transport === 'tcp' && config.auth) {
    throw new UsageError(
      'auth (OAuth) needs an http or ws transport; on tcp use mutual TLS (--tls-client-ca)',
    );
  }
  // `--port 3005` alone used to serve stdio silently: a network flag needs a network transport.
  const networkFlag = NETWORK_FLAGS.find((flag) => flags[flag] !== undefined);
  if (config.transport === 'stdio' && networkFlag) {
    throw new UsageError(
      `--${networkFlag} needs a network transport: add --transport http (or ws, tcp); stdio is the default`,
    );
  }
  return config;
}

/** `--auth-*` flags as the `auth` configuration they override (undefined when none is given). */
function authFlags(flags: ServeFlags): Record<string, unknown> | undefined {
  const auth: Record<string, unknown> = {};
  if (flags['auth-issuer'] !== undefined) auth.issuer = flags['auth-issuer'];
  if (flags['auth-audience'] !== undefined) auth.audience = flags['auth-audience'];
  if (flags['auth-jwks'] !== undefined) auth.jwksUrl = flags['auth-jwks'];
  if (flags['auth-introspection'] !== undefined) auth.introspection = { url: flags['auth-introspection'] };
  return Object.keys(auth).length > 0 ? auth : undefined;
}
