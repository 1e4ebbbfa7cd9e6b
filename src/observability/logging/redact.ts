import { isPlainRecord } from '../../jsonrpc/message.js';

/** Keys whose values are secrets wherever they appear in a logged object. */
export const SECRET_KEY = /token|secret|password|authorization|api[-_]?key/i;
/** Values that are credentials whatever their key (an Authorization header copied into an argument). */
const CREDENTIAL_VALUE = /^(?:bearer|basic)\s/i;
export const CENSOR = '[REDACTED]';
/** Deeper than this, a value is summarised: a log line is not a dump. */
const MAX_DEPTH = 8;

/**
 * A copy of `value` with every secret censored: values under a key matching {@link SECRET_KEY}, and
 * strings that are `Bearer`/`Basic` credentials, at any depth. Configured paths are pino's `redact`.
 */
export function censorSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return CREDENTIAL_VALUE.test(value) ? CENSOR : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Object]';
  if (Array.isArray(value)) return value.map((item) => censorSecrets(item, depth + 1));
  if (!isPlainRecord(value)) return '[Object]';
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = SECRET_KEY.test(key) ? CENSOR : censorSecrets(value[key], depth + 1);
  }
  return copy;
}
