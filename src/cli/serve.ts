import { serveHttp } from '../transports/http/index.js';
import { StdioServerTransport } from '../transports/stdio/index.js';
import { loadServer } from './load-server.js';

export interface ServeOptions {
  module: string;
  transport: string;
  host?: string;
  port?: number;
  path?: string;
}

/**
 * `erlmcp serve <module> --transport stdio|http`. On stdio, stdout carries only MCP and diagnostics
 * go to stderr; on HTTP the endpoint URL is printed once listening.
 */
export async function serve(options: ServeOptions): Promise<void> {
  if (options.transport !== 'stdio' && options.transport !== 'http') {
    throw new Error(`Transport "${options.transport}" is not implemented yet (available: stdio, http)`);
  }
  const server = await loadServer(options.module);
  let close: () => Promise<void>;
  if (options.transport === 'http') {
    const handle = await serveHttp(server, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 3000,
      path: options.path ?? '/mcp',
    });
    process.stdout.write(`erlmcp: MCP endpoint ${handle.url}\n`);
    close = () => handle.close();
  } else {
    const connection = await server.connect(new StdioServerTransport());
    close = () => server.close();
    void connection.closed.then(() => exit());
  }
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    await close();
    process.exit(0);
  };
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
}
