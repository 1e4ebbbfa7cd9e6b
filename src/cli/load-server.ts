import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpServer } from '../server/mcp-server.js';

/**
 * Loads a module that exports a server: an McpServer instance or a factory returning one
 * (sync or async), as the default export, `server`, or `createServer`.
 */
export async function loadServer(modulePath: string): Promise<McpServer> {
  const url = pathToFileURL(resolve(modulePath)).href;
  const loaded = (await import(url)) as Record<string, unknown>;
  for (const name of ['default', 'server', 'createServer']) {
    let candidate = loaded[name];
    if (typeof candidate === 'function' && !(candidate instanceof McpServer))
      candidate = await (candidate as () => unknown)();
    if (candidate instanceof McpServer) return candidate;
  }
  throw new Error(
    `${modulePath} exports no McpServer (expected a default export, "server" or "createServer")`,
  );
}
