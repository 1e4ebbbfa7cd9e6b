/**
 * SDK v1 side of the list_changed fan-out, set up like erlmcp's: N sessions over the SDK's in-memory
 * linked pairs. The SDK needs a McpServer per session, so "the registry change" is the same tool
 * registered on (or removed from) each of the N servers, which is how an SDK v1 application must do
 * it. Its in-memory transport hands over objects synchronously without copying; the receiver copies
 * each message through JSON so both sides pay the same wire cost erlmcp's memory transport charges.
 */

import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { FanoutTarget } from './fanout-target.js';
import { INITIALIZE_PARAMS, LIST_CHANGED, waitForCount } from './fanout-target.js';

export async function sdkV1Fanout(sessions: number): Promise<FanoutTarget> {
  const servers: McpServer[] = [];
  const counter = waitForCount();
  const open = async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = new McpServer({ name: 'fanout', version: '1.0.0' });
    server.registerTool('echo', { description: 'Echoes' }, async () => ({
      content: [{ type: 'text', text: 'echo' }],
    }));
    await server.connect(serverSide);
    servers.push(server);
    const initialized = new Promise<void>((resolve) => {
      clientSide.onmessage = (raw) => {
        const message = JSON.parse(JSON.stringify(raw)) as { id?: number; method?: string };
        if (message.method === LIST_CHANGED) counter.hit();
        else if (message.id === 1) resolve();
      };
    });
    await clientSide.start();
    await clientSide.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE_PARAMS });
    await initialized;
    await clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  };
  for (let i = 0; i < sessions; i += 500)
    await Promise.all(Array.from({ length: Math.min(500, sessions - i) }, open));
  let added: RegisteredTool[] | undefined;
  return {
    async change() {
      const done = counter.expect(sessions);
      const started = performance.now();
      if (added) {
        for (const tool of added) tool.remove();
        added = undefined;
      } else
        added = servers.map((server) =>
          server.registerTool('dynamic', { description: 'Comes and goes' }, async () => ({
            content: [{ type: 'text', text: 'dynamic' }],
          })),
        );
      return (await done) - started;
    },
  };
}
