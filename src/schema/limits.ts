import { SchemaDefinitionError } from './issues.js';

/**
 * Bounds checked before ajv sees a raw schema: a client may compile whatever a server advertises,
 * so a hostile schema must fail fast instead of costing seconds of codegen or blowing the stack.
 */
export const MAX_SCHEMA_DEPTH = 64;
export const MAX_SUBSCHEMAS = 10_000;

/** Keywords whose value maps names to subschemas: the map itself is not a nesting level. */
const SCHEMA_MAPS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
]);

/**
 * One iterative pass (no recursion, so no stack overflow on deep input). Depth counts schema levels:
 * `{properties: {a: {...}}}` is one level, as is `{allOf: [{...}]}`. Every object and array counts
 * towards MAX_SUBSCHEMAS, which also stops reference cycles in a non-JSON object graph.
 */
export function checkSchemaLimits(schema: unknown): void {
  const stack: Array<[node: unknown, depth: number, isMap: boolean]> = [[schema, 0, false]];
  let count = 0;
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const [node, depth, isMap] = frame;
    if (typeof node !== 'object' || node === null) continue;
    if (++count > MAX_SUBSCHEMAS) {
      throw new SchemaDefinitionError(`Schema has more than ${MAX_SUBSCHEMAS} subschemas`);
    }
    if (depth > MAX_SCHEMA_DEPTH) {
      throw new SchemaDefinitionError(`Schema nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
    }
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth, false]);
    } else if (isMap) {
      for (const child of Object.values(node)) stack.push([child, depth, false]);
    } else {
      for (const [key, child] of Object.entries(node)) stack.push([child, depth + 1, SCHEMA_MAPS.has(key)]);
    }
  }
}
