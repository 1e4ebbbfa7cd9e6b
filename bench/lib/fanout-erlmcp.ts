/**
 * erlmcp side of the list_changed fan-out: N 2025-11-25 sessions of one McpServer, each over its own
 * in-memory linked pair (src/transports/memory: asynchronous delivery, a JSON copy per message like
 * a wire), each with a lean receiver that only counts notifications.
 */
import type { JsonRpcMessage } from '../../src/jsonrpc/message.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { createLinkedPair } from '../../src/transports/memory/linked-pair.js';
import { benchServerOptions } from './bench-limits.js';
import type { FanoutTarget } from './fanout-target.js';
import { INITIALIZE_PARAMS, LIST_CHANGED, waitForCount } from './fanout-target.js';

export async function erlmcpFanout(sessions: number): Promise<FanoutTarget> {
  const server = new McpServer({ name: 'fanout', version: '1.0.0', ...benchServerOptions() });
  server.tool('echo', { description: 'Echoes', handler: () => 'echo' });
  const counter = waitForCount();
  const open = async () => {
    const [serverSide, clientSide] = createLinkedPair();
    await server.connect(serverSide);
    const initialized = new Promise<void>((resolve) => {
      clientSide.start({
        onMessage: (value) => {
          const message = value as { id?: number; method?: string };
          if (message.method === LIST_CHANGED) counter.hit();
          else if (message.id === 1) resolve();
        },
        onFrameError: () => {},
        onClose: () => {},
      });
    });
    clientSide.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: INITIALIZE_PARAMS,
    } as JsonRpcMessage);
    await initialized;
    clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JsonRpcMessage);
  };
  for (let i = 0; i < sessions; i += 500)
    await Promise.all(Array.from({ length: Math.min(500, sessions - i) }, open));
  await new Promise((resolve) => setImmediate(resolve)); // let the last `initialized` land
  let added: { remove(): void } | undefined;
  return {
    async change() {
      const done = counter.expect(sessions);
      const started = performance.now();
      // The registry change itself: add a tool, or take it away again (both fire list_changed).
      if (added) {
        added.remove();
        added = undefined;
      } else added = server.tool('dynamic', { description: 'Comes and goes', handler: () => 'dynamic' });
      return (await done) - started;
    },
  };
}
