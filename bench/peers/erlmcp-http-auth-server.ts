/**
 * The bench's everything server over Streamable HTTP; with `--issuer URL --jwks URL --audience A` it is
 * an OAuth resource server (bearerAuth + jwtVerifier, the JWKS fetched from that URL). Prints its URL.
 */
import { parseArgs } from 'node:util';
import { createServer } from '../../examples/everything.js';
import { bearerAuth, jwtVerifier } from '../../src/exports/auth.js';
import { serveHttp } from '../../src/exports/http.js';
import { benchServerOptions } from '../lib/bench-limits.js';

const { values } = parseArgs({
  options: { issuer: { type: 'string' }, jwks: { type: 'string' }, audience: { type: 'string' } },
});
const { issuer, jwks, audience } = values;
const auth =
  issuer && jwks && audience
    ? bearerAuth({
        resource: audience,
        authorizationServers: [issuer],
        verifier: jwtVerifier({ issuer, audience, jwksUrl: jwks }),
      })
    : undefined;
const handle = await serveHttp(createServer(benchServerOptions()), {
  port: 0,
  metrics: false,
  ...(auth ? { auth } : {}),
});
console.log(`URL ${handle.url}`);
process.once('SIGINT', () => process.exit(0));
