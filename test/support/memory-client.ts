import { Client } from '../../src/client/client.js';
import type { McpServer } from '../../src/server/mcp-server.js';
import { createLinkedPair } from '../../src/transports/memory/linked-pair.js';

/**
 * A 2025-session client connected to `server` over an in-memory pair; closing both is added to
 * `cleanups` (the test file's after-each list).
 */
export async function clientOverMemory(
  server: McpServer,
  cleanups: (() => void | Promise<void>)[],
): Promise<Client> {
  const [clientSide, serverSide] = createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'probe', version: '1' }, { versionNegotiation: 'legacy' });
  await client.connect(clientSide);
  cleanups.push(
    () => server.close(),
    () => client.close(),
  );
  return client;
}
