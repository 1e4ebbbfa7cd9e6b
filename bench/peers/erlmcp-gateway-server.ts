/**
 * An erlmcp gateway over Streamable HTTP in front of one upstream (`--upstream URL`, named `u`,
 * `naming: auto` so tool names pass through); prints its URL. `--audit` keeps the default audit (a
 * JSON line per call on stderr), else auditing is off. Runtime limits lifted as for every erlmcp
 * bench server. SIGINT exits cleanly, so `node --cpu-prof` can write its profile.
 */
import { parseArgs } from 'node:util';
import { serveHttp } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { benchServerOptions } from '../lib/bench-limits.js';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    audit: { type: 'boolean', default: false },
    'pool-size': { type: 'string' },
  },
});
if (!values.upstream) throw new Error('--upstream URL is required');
const gateway = new Gateway(
  {
    upstreams: {
      u: {
        url: values.upstream,
        ...(values['pool-size'] ? { poolSize: Number(values['pool-size']) } : {}),
      },
    },
    naming: 'auto',
    audit: values.audit,
  },
  { server: benchServerOptions() },
);
await gateway.start();
const handle = await serveHttp(gateway.server, { port: 0 });
console.log(`URL ${handle.url}`);
process.once('SIGINT', () => process.exit(0));
