/**
 * Servers for the WebSocket/TCP scenarios; prints `URL <url>`. `--kind`:
 * - erlmcp-ws, erlmcp-tcp: the everything example (limits lifted) over erlmcp's transports;
 * - raw-ws, raw-tcp: the ceiling, answering each tools/call line with a fixed echo result and no MCP
 *   logic at all (the WebSocket one accepts the `mcp` subprotocol, so SDK clients connect to it).
 */
import { createServer as createNetServer } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { serveTcp } from '../../src/transports/tcp/serve-tcp.js';
import { serveWebSocket } from '../../src/transports/websocket/serve-websocket.js';
import { createServer } from './erlmcp-bench-server.js';

const { values } = parseArgs({ options: { kind: { type: 'string', default: 'erlmcp-ws' } } });

function answer(line: string): string {
  const message = JSON.parse(line) as {
    id?: number;
    method?: string;
    params?: { arguments?: { message?: string } };
  };
  if (message.id === undefined) return '';
  const result =
    message.method === 'initialize'
      ? {
          protocolVersion: '2025-11-25',
          capabilities: { tools: {} },
          serverInfo: { name: 'raw', version: '1' },
        }
      : { content: [{ type: 'text', text: `Echo: ${message.params?.arguments?.message ?? ''}` }] };
  return JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
}

switch (values.kind) {
  case 'erlmcp-ws': {
    const handle = await serveWebSocket(createServer(), { port: 0 });
    console.log(`URL ${handle.url}`);
    break;
  }
  case 'erlmcp-tcp': {
    const handle = await serveTcp(createServer(), { port: 0 });
    console.log(`URL ${handle.url}`);
    break;
  }
  case 'raw-ws': {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'mcp' });
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const reply = answer(String(data));
        if (reply) ws.send(reply);
      }),
    );
    wss.on('listening', () => {
      const address = wss.address();
      console.log(`URL ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp`);
    });
    break;
  }
  default: {
    const server = createNetServer((socket) => {
      let buffered = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        let out = '';
        for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
          const reply = answer(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          if (reply) out += `${reply}\n`;
        }
        if (out) socket.write(out);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      console.log(`URL tcp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    });
  }
}
