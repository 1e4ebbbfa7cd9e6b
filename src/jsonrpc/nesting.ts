import { invalidParams, type McpError } from './errors.js';

/**
 * Params nested deeper than this are blamed when a request overflows the stack: JSON.parse is
 * iterative and takes any depth, but recursive steps after it (schema validation, canonical JSON
 * of a `requestState` digest, serialising a result that mirrors the arguments) do not.
 */
export const DEEP_PARAMS_LEVELS = 256;

/** Whether `value` nests arrays/objects more than `limit` levels deep. Iterative: safe on any depth. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[node: unknown, depth: number]> = [[value, 0]];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const [node, depth] = frame;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The error to answer instead of a stack overflow caused by deeply nested params: -32602 naming the
 * field, rather than -32603 "Maximum call stack size exceeded". Checked only once a request has
 * failed that way, so well-formed traffic pays nothing. Undefined when the params are not to blame.
 */
export function deepParamsError(
  error: unknown,
  params: Record<string, unknown> | undefined,
): McpError | undefined {
  if (!(error instanceof RangeError) || !/call stack/i.test(error.message) || params === undefined) {
    return undefined;
  }
  for (const [key, value] of Object.entries(params)) {
    if (nestsDeeperThan(value, DEEP_PARAMS_LEVELS)) {
      return invalidParams(
        `params.${key} nests too deeply to be processed (over ${DEEP_PARAMS_LEVELS} levels)`,
      );
    }
  }
  return undefined;
}
