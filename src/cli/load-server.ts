import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpServer } from '../server/mcp-server.js';
import { unknownExtensionAdvice, unsupportedSyntaxAdvice } from './typescript-support.js';

/**
 * Loads a module that exports a server: an McpServer instance or a factory returning one
 * (sync or async), as the default export, `server`, or `createServer`.
 */
export async function loadServer(modulePath: string): Promise<McpServer> {
  const url = pathToFileURL(resolve(modulePath)).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new Error(unknownExtensionAdvice(modulePath), { cause: error });
    }
    if (code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') {
      throw new Error(unsupportedSyntaxAdvice(modulePath, (error as Error).message), { cause: error });
    }
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(resolve(modulePath))) {
      throw new Error(`${modulePath}: no such module`, { cause: error });
    }
    throw error;
  }
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
