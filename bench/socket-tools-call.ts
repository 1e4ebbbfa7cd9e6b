/**
 * WebSocket and TCP: pipelined `tools/call` round trips against erlmcp's servers and a raw JSON-RPC
 * echo (the ceiling), driven by a lean generator; and the client side: erlmcp's
 * WebSocketClientTransport vs the SDK v1 WebSocketClientTransport, both against the raw echo.
 * Usage: node dist/bench/socket-tools-call.js [--messages 100000] [--rounds 3] [--quick] [--json file]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocketClientTransport as SdkWebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import WebSocket from 'ws';
import { WebSocketClientTransport } from '../src/transports/websocket/client-transport.js';
import { formatCpu, startCpuWindow } from './lib/cpu.js';
import { medianCpu, type TargetResult, writeResult } from './lib/results.js';
import { runSocketLoad } from './lib/socket-load.js';
import { startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const total = values.quick ? 20_000 : Number(values.messages);
const rounds = values.quick ? 1 : Number(values.rounds);
const WINDOW = 128;

// The SDK's WebSocket client uses the WHATWG global, which Node 20 lacks; `ws` provides that API.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

type Driver = (url: string) => Promise<{ rate: number; errors: number }>;

/** Pipelines through a client transport (erlmcp or SDK): the client side is what is measured. */
async function viaTransport(
  open: (url: string) => Promise<{ send: (m: object) => void; close: () => Promise<void> }>,
  onMessage: (handler: () => void) => void,
  url: string,
) {
  let received = 0;
  let resolveDone: () => void = () => {};
  const transport = await open(url);
  let sent = 0;
  const sendMore = () => {
    while (sent < total && sent - received < WINDOW)
      transport.send({
        jsonrpc: '2.0',
        id: ++sent,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: 'hello' } },
      });
  };
  onMessage(() => {
    received++;
    if (received === total) resolveDone();
    else if (sent - received <= WINDOW / 2) sendMore();
  });
  const started = performance.now();
  await new Promise<void>((resolve) => {
    resolveDone = resolve;
    sendMore();
  });
  const seconds = (performance.now() - started) / 1000;
  await transport.close();
  return { rate: total / seconds, errors: 0 };
}

const erlmcpClient: Driver = (url) => {
  let handler = () => {};
  return viaTransport(
    async (target) => {
      const transport = new WebSocketClientTransport(target);
      transport.start({ onMessage: () => handler(), onFrameError: () => {}, onClose: () => {} });
      return { send: (m) => transport.send(m as never), close: () => transport.close() };
    },
    (h) => {
      handler = h;
    },
    url,
  );
};

const sdkClient: Driver = (url) => {
  let handler = () => {};
  return viaTransport(
    async (target) => {
      const transport = new SdkWebSocketClientTransport(new URL(target));
      transport.onmessage = () => handler();
      await transport.start();
      return { send: (m) => void transport.send(m as never), close: () => transport.close() };
    },
    (h) => {
      handler = h;
    },
    url,
  );
};

const lean: Driver = (url) => runSocketLoad(url, total, WINDOW);

const targets: { name: string; kind: string; drive: Driver; generator: string }[] = [
  { name: 'erlmcp WebSocket server', kind: 'erlmcp-ws', drive: lean, generator: 'lean' },
  { name: 'raw ws echo (ceiling)', kind: 'raw-ws', drive: lean, generator: 'lean' },
  { name: 'erlmcp TCP server', kind: 'erlmcp-tcp', drive: lean, generator: 'lean' },
  { name: 'raw TCP echo (ceiling)', kind: 'raw-tcp', drive: lean, generator: 'lean' },
  {
    name: 'erlmcp WebSocket client → raw echo',
    kind: 'raw-ws',
    drive: erlmcpClient,
    generator: 'erlmcp client transport',
  },
  {
    name: 'SDK v1 WebSocket client → raw echo',
    kind: 'raw-ws',
    drive: sdkClient,
    generator: 'SDK v1 client transport',
  },
];

console.log(`WebSocket/TCP tools/call: ${total} messages, window ${WINDOW}, ${rounds} round(s)`);
const results = new Map<
  string,
  { rate: number; generatorCpu: ReturnType<typeof startCpuWindow> extends { stop(): infer R } ? R : never }[]
>();
for (let round = 1; round <= rounds; round++) {
  for (const target of targets) {
    const server = await startServer(join(here, 'peers/socket-servers.js'), ['--kind', target.kind]);
    try {
      await target.drive(server.url); // warm-up
      const cpu = startCpuWindow(server.pid);
      const { rate, errors } = await target.drive(server.url);
      const window = cpu.stop();
      if (errors > 0) throw new Error(`${target.name}: ${errors} errors`);
      const list = results.get(target.name) ?? [];
      list.push({ rate, generatorCpu: window });
      results.set(target.name, list);
      console.log(
        `round ${round}: ${target.name.padEnd(36)} ${Math.round(rate).toLocaleString('en-US').padStart(8)} msg/s  generator CPU ${formatCpu(window.self)}  server CPU ${formatCpu(window.server)}`,
      );
    } finally {
      await server.stop();
    }
  }
}
const rows: TargetResult[] = targets.map((target) => {
  const list = results.get(target.name) ?? [];
  return {
    name: target.name,
    median: median(list.map((r) => r.rate)),
    rounds: list.map((r) => r.rate),
    generatorCpu: medianCpu(list.map((r) => r.generatorCpu.self)),
    serverCpu: medianCpu(list.map((r) => r.generatorCpu.server)),
    extra: { generator: target.generator },
  };
});
const rate = (name: string) => rows.find((row) => row.name === name)?.median ?? Number.NaN;
console.log('\nmedians:');
for (const row of rows)
  console.log(`  ${row.name.padEnd(36)} ${Math.round(row.median).toLocaleString('en-US').padStart(8)} msg/s`);
writeResult(values.json, {
  scenario: 'WebSocket and TCP tools/call (pipelined, one connection)',
  unit: 'msg/s',
  generator:
    'lean purpose-built generator for the servers; the client transports themselves for the client rows',
  targets: rows,
  ratio: {
    label: 'erlmcp WebSocket client / SDK v1 WebSocket client',
    value: rate('erlmcp WebSocket client → raw echo') / rate('SDK v1 WebSocket client → raw echo'),
  },
  notes: [
    `erlmcp WebSocket server at ${((rate('erlmcp WebSocket server') / rate('raw ws echo (ceiling)')) * 100).toFixed(0)}% of the raw ws echo; TCP at ${((rate('erlmcp TCP server') / rate('raw TCP echo (ceiling)')) * 100).toFixed(0)}% of the raw TCP echo.`,
  ],
});
