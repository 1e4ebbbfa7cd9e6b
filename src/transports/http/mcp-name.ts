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
