import { CLUSTER_SECRET_ENV } from '../../serve/cluster/messages.js';
import { REQUEST_STATE_SECRET_ENV } from '../../server/core.js';
import { didYouMean } from '../did-you-mean.js';
import { ConfigError } from './config-error.js';
import { CONFIG_SCHEMA } from './config-schema.js';

const ENV_PREFIX = 'ERLMCP_';

/** Variables erlmcp reads that are not configuration keys (the config file; the cluster's secret). */
const OTHER_VARIABLES: ReadonlySet<string> = new Set([
  'ERLMCP_CONFIG',
  CLUSTER_SECRET_ENV,
  REQUEST_STATE_SECRET_ENV,
]);

/** A configuration key that has an environment variable: every key of the schema, objects included. */
export interface EnvironmentKey {
  path: string[];
  name: string;
  /** An object of the schema (`http`, `limits.rate`…): its variable holds a JSON object. */
  object: boolean;
}

/** One variable's value, nested at its key, to merge as its own layer. */
export interface EnvironmentLayer {
  source: string;
  value: Record<string, unknown>;
}

/** Every key of the schema, parents before their children (so a child's variable is merged later). */
export const ENVIRONMENT_KEYS: readonly EnvironmentKey[] = schemaKeys(
  CONFIG_SCHEMA as unknown as Record<string, unknown>,
).sort((a, b) => a.path.length - b.path.length);

export function envName(path: string[]): string {
  return ENV_PREFIX + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/**
 * The environment's layers, one per variable set, a parent's before its children's: an object
 * variable (`ERLMCP_LIMITS_RATE='{"perSession":false}'`) merges like the same object in the config
 * file, and a more specific variable (`ERLMCP_LIMITS_RATE_PER_IP`) wins over it. A value that cannot
 * be applied, or an `ERLMCP_` variable that names no key, stops start-up: a mistyped limit must not
 * leave the default silently in place.
 */
export function environmentLayers(env: NodeJS.ProcessEnv): EnvironmentLayer[] {
  refuseUnknown(env);
  const layers: EnvironmentLayer[] = [];
  for (const key of ENVIRONMENT_KEYS) {
    const raw = env[key.name];
    if (raw === undefined) continue;
    layers.push({ source: `environment ${key.name}`, value: nest(key.path, parse(key, raw)) });
  }
  return layers;
}

/** Leaves: JSON when it parses (numbers, `false`, arrays, objects), else the plain string. */
function parse(key: EnvironmentKey, raw: string): unknown {
  if (!key.object) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw; // a plain string such as a host name
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: ${key.path.join('.')} is not valid JSON (from environment ${key.name}): ${(error as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      `Invalid configuration: ${key.path.join('.')} must be a JSON object (from environment ${key.name})`,
    );
  }
  return value;
}

function refuseUnknown(env: NodeJS.ProcessEnv): void {
  const known = new Set(ENVIRONMENT_KEYS.map((key) => key.name));
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !known.has(name) && !OTHER_VARIABLES.has(name))
    .sort();
  if (unknown.length === 0) return;
  const described = unknown.map((name) => {
    const near = didYouMean(name, [...known, ...OTHER_VARIABLES]);
    return near ? `${name} (did you mean ${near}?)` : name;
  });
  throw new ConfigError(
    `Invalid configuration: ${described.join(', ')} ${unknown.length === 1 ? 'names' : 'name'} no configuration key (from environment); every key's variable is listed in docs/limits.md`,
  );
}

/** Keys of the schema: objects with `properties` are keys and are descended; the rest are leaves. */
function schemaKeys(schema: Record<string, unknown>, prefix: string[] = []): EnvironmentKey[] {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties) return [{ path: prefix, name: envName(prefix), object: false }];
  const self = prefix.length > 0 ? [{ path: prefix, name: envName(prefix), object: true }] : [];
  return [
    ...self,
    ...Object.entries(properties).flatMap(([key, child]) => schemaKeys(child, [...prefix, key])),
  ];
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  let nested = value;
  for (const part of [...path].reverse()) nested = { [part]: nested };
  return nested as Record<string, unknown>;
}
