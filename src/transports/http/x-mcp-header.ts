import { isPlainRecord } from '../../jsonrpc/message.js';

/** A tool argument mirrored into an `Mcp-Param-{name}` header (2026, `x-mcp-header`). */
export interface ParamHeader {
  /** Lower-case header name, `mcp-param-<name>`. */
  header: string;
  /** The header name as annotated, for `Mcp-Param-<Name>`. */
  name: string;
  /** Chain of `properties` keys from the schema root. */
  path: string[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_TYPES = new Set(['string', 'integer', 'boolean']);

/**
 * The `x-mcp-header` annotations of a tool's inputSchema, and what makes them invalid: an empty or
 * non-token name, a duplicate (case-insensitive), a non-primitive or `number` type, or a position not
 * reachable through `properties` keys only.
 */
export function collectParamHeaders(schema: Record<string, unknown>): {
  headers: ParamHeader[];
  problems: string[];
} {
  const headers: ParamHeader[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const reachable = new Set<unknown>();
  // Iterative walks: a schema advertised by a server may nest deeper than the stack allows.
  const pending: [node: unknown, path: string[]][] = [[schema, []]];
  while (pending.length > 0) {
    const [node, path] = pending.pop()!;
    if (!isPlainRecord(node) || !isPlainRecord(node.properties)) continue;
    const children: [unknown, string[]][] = [];
    for (const [key, child] of Object.entries(node.properties)) {
      if (!isPlainRecord(child)) continue;
      reachable.add(child);
      const annotation = child['x-mcp-header'];
      if (annotation !== undefined) {
        const where = [...path, key].join('.');
        if (typeof annotation !== 'string' || !TOKEN.test(annotation))
          problems.push(`x-mcp-header of ${where} is not a header token`);
        else if (!(typeof child.type === 'string' && HEADER_TYPES.has(child.type))) {
          problems.push(`x-mcp-header of ${where} needs type string, integer or boolean`);
        } else if (seen.has(annotation.toLowerCase()))
          problems.push(`x-mcp-header "${annotation}" is used twice`);
        else {
          seen.add(annotation.toLowerCase());
          headers.push({
            header: `mcp-param-${annotation.toLowerCase()}`,
            name: annotation,
            path: [...path, key],
          });
        }
      }
      children.push([child, [...path, key]]);
    }
    // Each level is read whole before its children, which are then visited in order.
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]!);
  }
  // Annotations anywhere else (items, anyOf, $defs, …) make the definition invalid.
  const everywhere: unknown[] = [schema];
  while (everywhere.length > 0) {
    const node = everywhere.pop();
    if (Array.isArray(node)) everywhere.push(...node);
    else if (isPlainRecord(node)) {
      if ('x-mcp-header' in node && !reachable.has(node) && node !== schema)
        problems.push('x-mcp-header outside a properties chain');
      everywhere.push(...Object.values(node));
    }
  }
  return { headers, problems };
}

/** The header value of an argument: decimal integers, lower-case booleans, strings as they are. */
export function argumentAt(args: unknown, path: string[]): unknown {
  let value = args;
  // Own keys only: an absent `constructor` argument must not be found on Object.prototype.
  for (const key of path) value = isPlainRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return value;
}
