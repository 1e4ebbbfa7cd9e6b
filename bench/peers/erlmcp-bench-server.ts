/**
 * The everything example with the runtime limits lifted (lib/bench-limits.ts), as a module for
 * `erlmcp serve dist/bench/peers/erlmcp-bench-server.js --transport stdio`.
 */
import { createServer as createEverything } from '../../examples/everything.js';
import type { McpServer } from '../../src/server/mcp-server.js';
import { benchServerOptions } from '../lib/bench-limits.js';

export function createServer(): McpServer {
  return createEverything(benchServerOptions());
}
