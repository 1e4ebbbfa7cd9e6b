import { methodRow, methodsWhere } from '../../protocol/methods.js';

/**
 * The body field each method's `Mcp-Name` header mirrors (2026 Streamable HTTP; the `tasks/*` rows
 * come from the tasks extension's binding, so intermediaries can route a task's requests by its id),
 * from the method table. One source for the client (emitting) and the server (validating).
 */
export const MCP_NAME_SOURCE: Readonly<Record<string, 'name' | 'uri' | 'taskId'>> = Object.fromEntries(
  [...methodsWhere('nameField')].map((method) => [method, methodRow(method)!.nameField!]),
);

/** The field `method`'s `Mcp-Name` mirrors, if any (own rows only: `method` comes off the wire). */
export function mcpNameSource(method: string): 'name' | 'uri' | 'taskId' | undefined {
  return methodRow(method)?.nameField;
}
