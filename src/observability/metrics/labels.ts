import { MODERN_METHODS, SESSION_METHODS } from '../../server/methods.js';

/** The label value for anything outside a known, bounded set. */
export const OTHER = '_other';

/**
 * Methods a request event can carry and still get its own label. Anything else a client sends
 * (typos, probes, made-up methods) shares `_other`: the method comes off the wire, and one series
 * per distinct string would let any client grow the scrape without bound.
 */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  ...SESSION_METHODS.keys(),
  ...MODERN_METHODS.keys(),
]);

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : OTHER;
}

/**
 * The `tool` label: the tool's name while it is registered, `_other` for any other name (an unknown
 * tool is an error the client chose; its name must not become a series), `""` for other methods.
 */
export function toolLabel(
  method: string,
  target: string | undefined,
  tools: ReadonlyMap<string, unknown>,
): string {
  if (method !== 'tools/call') return '';
  return target !== undefined && tools.has(target) ? target : OTHER;
}

/** `legacy` (2025 sessions) or `modern` (2026 stateless); empty when the request failed before it was known. */
export function eraLabel(era: 'legacy' | 'modern' | undefined): string {
  return era ?? '';
}

/** Transport names are set by erlmcp's own transports, but a custom one may pass anything. */
const KNOWN_TRANSPORTS: ReadonlySet<string> = new Set([
  'stdio',
  'http',
  'sse',
  'ws',
  'tcp',
  'memory',
  'custom',
]);

export function transportLabel(transport: string): string {
  return KNOWN_TRANSPORTS.has(transport) ? transport : OTHER;
}
