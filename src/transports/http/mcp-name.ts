/**
 * The body field each method's `Mcp-Name` header mirrors (2026 Streamable HTTP; the `tasks/*` rows
 * come from the tasks extension's binding, so intermediaries can route a task's requests by its id).
 * One table for the client (emitting) and the server (validating).
 */
export const MCP_NAME_SOURCE: Readonly<Record<string, 'name' | 'uri' | 'taskId'>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

/** The field `method`'s `Mcp-Name` mirrors, if any (own rows only: `method` comes off the wire). */
export function mcpNameSource(method: string): 'name' | 'uri' | 'taskId' | undefined {
  return Object.hasOwn(MCP_NAME_SOURCE, method) ? MCP_NAME_SOURCE[method] : undefined;
}
