/**
 * erlmcp's everything server over Streamable HTTP for the benchmark; prints its URL.
 * `--resource-bytes N` adds the text resource bench://big of N bytes (the 1 MiB read scenario);
 * `--redis URL` makes it a node of a cluster on that Redis (the scale-out scenario). Started with
 * `node --expose-gc`, SIGUSR2 collects garbage and prints `MEMORY <process.memoryUsage() as JSON>`.
 */
import { parseArgs } from 'node:util';
import { createServer } from '../../examples/everything.js';
import { serveHttp } from '../../src/exports/http.js';
import { benchServerOptions } from '../lib/bench-limits.js';
import { BIG_RESOURCE_URI, bigText } from '../lib/big-text.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'auto' },
    'resource-bytes': { type: 'string' },
    redis: { type: 'string' },
  },
});
const server = createServer(benchServerOptions());
if (values['resource-bytes']) {
  const text = bigText(Number(values['resource-bytes']));
  server.resource(BIG_RESOURCE_URI, {
    name: 'big',
    mimeType: 'text/plain',
    read: (uri) => ({ contents: [{ uri, mimeType: 'text/plain', text }] }),
  });
}
const handle = await serveHttp(server, {
  port: 0,
  responseMode: values.mode as 'auto' | 'json' | 'sse',
  ...(values.redis ? { redis: values.redis } : {}),
});
console.log(`URL ${handle.url}`);
// Exit cleanly on SIGINT so `node --cpu-prof` can write its profile.
process.once('SIGINT', () => process.exit(0));
const gc = (globalThis as { gc?: () => void }).gc;
if (gc)
  process.on('SIGUSR2', async () => {
    // A turn between collections lets FinalizationRegistry callbacks run (AbortSignal.timeout's
    // timers, which @redis/client makes per command, are released by one).
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(`MEMORY ${JSON.stringify(process.memoryUsage())}`);
  });
