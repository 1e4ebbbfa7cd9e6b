/** erlmcp's everything server over Streamable HTTP for the benchmark; prints its URL. */
import { parseArgs } from 'node:util';
import { createServer } from '../../examples/everything.js';
import { serveHttp } from '../../src/transports/http/index.js';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'auto' } } });
const handle = await serveHttp(createServer(), {
  port: 0,
  responseMode: values.mode as 'auto' | 'json' | 'sse',
});
console.log(`URL ${handle.url}`);
// Exit cleanly on SIGINT so `node --cpu-prof` can write its profile.
process.once('SIGINT', () => process.exit(0));
