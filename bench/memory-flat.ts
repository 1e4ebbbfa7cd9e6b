/**
 * Memory stays flat under load: 1M `tools/call` requests (100K with --quick) against erlmcp's
 * everything server over the in-process memory transport, from a lean pipelined generator in the
 * same process, with the heap read after forced GC after the warm-up, at every tenth, and at the
 * end. Target: end within 5% of start. Needs `node --expose-gc` (run-all passes it).
 * Usage: node --expose-gc dist/bench/memory-flat.js [--requests 1000000] [--window 64] [--quick] [--json file]
 */
import { parseArgs } from 'node:util';
import { createServer } from '../examples/everything.js';
import type { JsonRpcMessage } from '../src/jsonrpc/message.js';
import { createLinkedPair } from '../src/transports/memory/linked-pair.js';
import { benchServerOptions } from './lib/bench-limits.js';
import { writeResult } from './lib/results.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    window: { type: 'string', default: '64' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const total = values.quick ? 100_000 : Number(values.requests);
const window = Number(values.window);

const server = createServer(benchServerOptions());
const [serverSide, clientSide] = createLinkedPair();
await server.connect(serverSide);
let onResponse: (message: { id?: number; error?: unknown; result?: { isError?: boolean } }) => void =
  () => {};
clientSide.start({
  onMessage: (value) => onResponse(value as { id?: number }),
  onFrameError: () => {},
  onClose: () => {},
});
let nextId = 0;
const request = (method: string, params: unknown) =>
  ({ jsonrpc: '2.0', id: ++nextId, method, params }) as JsonRpcMessage;

const initialized = new Promise<void>((resolve) => {
  onResponse = () => resolve();
});
clientSide.send(
  request('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'memory-flat', version: '1' },
  }),
);
await initialized;
clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JsonRpcMessage);

/** Runs `count` echo calls with at most `window` in flight; counts error answers. */
function run(count: number): Promise<number> {
  let sent = 0;
  let received = 0;
  let errors = 0;
  return new Promise((resolve) => {
    const sendMore = () => {
      while (sent < count && sent - received < window) {
        sent++;
        clientSide.send(request('tools/call', { name: 'echo', arguments: { message: 'hello' } }));
      }
    };
    onResponse = (message) => {
      if (message.error || message.result?.isError) {
        if (errors === 0) console.error(JSON.stringify(message));
        errors++;
      }
      if (++received === count) resolve(errors);
      else sendMore();
    };
    sendMore();
  });
}

async function settledHeap(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
console.log(
  `memory flat: ${total.toLocaleString('en-US')} tools/call (window ${window}) on erlmcp over the in-process memory transport; lean generator in the same process, not the erlmcp client`,
);
await run(Math.min(20_000, total)); // warm-up: JIT, caches
const start = await settledHeap();
const samples = [start.heap];
const started = performance.now();
let errors = 0;
const tenth = Math.ceil(total / 10);
for (let done = 0; done < total; done += tenth) {
  errors += await run(Math.min(tenth, total - done));
  samples.push((await settledHeap()).heap);
}
const seconds = (performance.now() - started) / 1000;
const end = await settledHeap();
const growth = ((end.heap - start.heap) / start.heap) * 100;
console.log(`  heap after GC, every tenth: ${samples.map((s) => (s / 2 ** 20).toFixed(2)).join(' → ')} MiB`);
console.log(
  `  start ${mib(start.heap)}, end ${mib(end.heap)}: ${growth >= 0 ? '+' : ''}${growth.toFixed(2)}% (target within 5%: ${Math.abs(growth) <= 5 ? 'met' : 'NOT met'}); RSS ${mib(start.rss)} → ${mib(end.rss)}; ${Math.round(total / seconds).toLocaleString('en-US')} req/s incl. GC samples; ${errors} errors`,
);
await server.close();

writeResult(values.json, {
  scenario: `Heap after forced GC before and after ${total.toLocaleString('en-US')} tools/call (erlmcp, memory transport)`,
  unit: 'MiB heap',
  generator:
    'lean pipelined generator in the same process over the in-memory linked pair, not the erlmcp client',
  targets: [
    {
      name: 'erlmcp heap at start (after warm-up)',
      median: start.heap / 2 ** 20,
      extra: { RSS: mib(start.rss) },
    },
    {
      name: `erlmcp heap after ${total.toLocaleString('en-US')} requests`,
      median: end.heap / 2 ** 20,
      extra: { RSS: mib(end.rss) },
    },
  ],
  ratio: { label: 'end / start heap (target ≤ 1.05)', value: end.heap / start.heap },
  notes: [
    `Heap after GC at every tenth: ${samples.map((s) => (s / 2 ** 20).toFixed(2)).join(' → ')} MiB; growth ${growth.toFixed(2)}%; ${errors} error answers; ${Math.round(total / seconds).toLocaleString('en-US')} req/s including the GC samples.`,
    'No peer: this checks erlmcp for leaks, it is not a comparison.',
  ],
});
process.exit(errors > 0 ? 1 : 0);
