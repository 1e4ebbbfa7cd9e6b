import { methodRow } from '../../protocol/methods.js';

/**
 * The body field a method's `Mcp-Name` header mirrors (2026 Streamable HTTP), from the method table:
 * `name` for tools/call and prompts/get, `uri` for resources/read, and `taskId` for the tasks
 * extension's `tasks/*` (so intermediaries can route a task's requests by its id). One source for
 * the client (emitting) and the server (validating); own rows only, since `method` comes off the wire.
 */
export function mcpNameSource(method: string): 'name' | 'uri' | 'taskId' | undefined {
  return methodRow(method)?.nameField;
}
