import { StdioServerTransport } from '../transports/stdio/index.js';
import { loadServer } from './load-server.js';

export interface ServeOptions {
  module: string;
  transport: string;
}

/** `erlmcp serve <module> --transport stdio`: stdout carries only MCP; diagnostics go to stderr. */
export async function serve(options: ServeOptions): Promise<void> {
  if (options.transport !== 'stdio') {
    throw new Error(`Transport "${options.transport}" is not implemented yet (available: stdio)`);
  }
  const server = await loadServer(options.module);
  const connection = await server.connect(new StdioServerTransport());
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    await server.close();
    process.exit(0);
  };
  void connection.closed.then(exit);
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
}
