/**
 * Child process of the idle-WebSocket scenario: opens `--count` connections to `--url`, each a 2025
 * session (initialize + initialized), spread over several 127.0.0.x source addresses so ports do not
 * run out; prints `READY <open> <failed>` and holds them until stdin closes.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: { url: { type: 'string' }, count: { type: 'string' }, first: { type: 'string', default: '2' } },
});
const count = Number(values.count);
const firstAddress = Number(values.first);
const sockets: WebSocket[] = [];
let failed = 0;
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'idle', version: '1' } },
});

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(values.url!, ['mcp'], {
      perMessageDeflate: false,
      localAddress: `127.0.0.${firstAddress + (i % 4)}`,
    });
    ws.once('open', () => ws.send(INIT));
    ws.once('message', () => {
      ws.send('{"jsonrpc":"2.0","method":"notifications/initialized"}');
      sockets.push(ws);
      resolve();
    });
    ws.once('error', () => {
      failed++;
      resolve();
    });
  });
}

const CONCURRENCY = 200;
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await open(next++);
  }),
);
process.stdout.write(`READY ${sockets.length} ${failed}\n`);
process.stdin.resume();
process.stdin.once('end', () => process.exit(0));
