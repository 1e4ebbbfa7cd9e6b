/**
 * What OAuth costs on the hot path: `tools/call` (2026 stateless, `echo`) over HTTP against erlmcp
 * without auth and as a resource server checking a valid Bearer JWT (ES256, jose) on every request,
 * the issuer's JWKS served from this process. Both servers stay up and take turns (ABBA), pinned
 * apart from wrk; medians and the auth / no-auth ratio of each round. Target: >= 0.90.
 * Usage: node dist/bench/auth-overhead.js [--seconds 3] [--rounds 5] [--quick]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { formatCpu } from './lib/cpu.js';
import { ACCEPT } from './lib/http-session.js';
import { writeResult, wrkTargetResult } from './lib/results.js';
import { type ServerProcess, startServer } from './lib/spawn-server.js';
import { median } from './lib/stats.js';
import { runWrk, type WrkResult } from './lib/wrk.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
const seconds = values.quick ? 2 : Number(values.seconds);
const rounds = values.quick ? 1 : Number(values.rounds);
const connections = 32;
const OFF = 'no auth';
const ON = 'Bearer JWT checked';
const AUDIENCE = 'https://bench.example/mcp';
// The server on one core and wrk on the other (where taskset exists), as in every run of this scenario.
const SERVER_CPU = 1;
const WRK_CPU = 0;

// The issuer: a key pair, its JWKS on loopback, and one token for the whole run.
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
const jwksServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
});
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
const token = await new SignJWT({ scope: 'mcp:use', client_id: 'bench' })
  .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
  .setIssuer(issuer)
  .setSubject('bench-user')
  .setAudience(AUDIENCE)
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);

const targets = [
  { name: OFF, args: [], headers: {} },
  {
    name: ON,
    args: ['--issuer', issuer, '--jwks', `${issuer}/jwks`, '--audience', AUDIENCE],
    headers: { authorization: `Bearer ${token}` },
  },
];
const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
};

function load(url: string, serverPid: number, extra: Record<string, string>, runSeconds = seconds) {
  const headers = {
    ...ACCEPT,
    ...extra,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': 'echo',
  };
  const params = JSON.stringify({ name: 'echo', arguments: { message: 'hello' }, _meta: META });
  return runWrk(url, headers, '{"jsonrpc":"2.0","id":', `,"method":"tools/call","params":${params}}`, {
    connections,
    seconds: runSeconds,
    serverPid,
    cpu: WRK_CPU,
  });
}

console.log(
  `OAuth overhead, HTTP tools/call: wrk -t1 -c${connections} (wrk on CPU ${WRK_CPU}, server on CPU ${SERVER_CPU}), ${seconds}s per run, ${rounds} round(s) of four runs (off, on, on, off), Node ${process.version}`,
);
const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
const ratios: number[] = [];
// Both servers live for the whole run and take turns in ABBA order: on this shared 2-core VM the
// speed of the machine drifts by up to 2x over tens of seconds, so each ratio compares runs made
// side by side, and the order cancels a drift that is linear over the four runs.
const servers: ServerProcess[] = [];
try {
  for (const target of targets) {
    const server = await startServer(join(here, 'peers/erlmcp-http-auth-server.js'), target.args, {
      cpu: SERVER_CPU,
    });
    servers.push(server);
    // Without the token the protected server must refuse: the measured run is really checked.
    if (target.headers.authorization) {
      const refused = await fetch(server.url, { method: 'POST', headers: ACCEPT, body: '{}' });
      if (refused.status !== 401) throw new Error(`${target.name}: no token got ${refused.status}, not 401`);
    }
    await load(server.url, server.pid, target.headers, values.quick ? 1 : seconds); // warm-up, discarded
  }
  const [off, on] = [0, 1].map((index) => ({ target: targets[index]!, server: servers[index]! }));
  for (let round = 1; round <= rounds; round++) {
    const sums: Record<string, number> = { [OFF]: 0, [ON]: 0 };
    for (const { target, server } of [off!, on!, on!, off!]) {
      const result = await load(server.url, server.pid, target.headers);
      if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} non-2xx responses`);
      results.get(target.name)!.push(result);
      sums[target.name]! += result.requestsPerSecond;
      console.log(
        `round ${round}: ${target.name.padEnd(20)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  wrk CPU ${formatCpu(result.generatorCpu)}  server CPU ${formatCpu(result.serverCpu)}`,
      );
    }
    ratios.push(sums[ON]! / sums[OFF]!);
    console.log(`round ${round}: auth / no auth ${ratios.at(-1)!.toFixed(3)}`);
  }
} finally {
  for (const server of servers) await server.stop();
  jwksServer.close();
}
const med = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
console.log('\nmedians:');
for (const target of targets) {
  const p99 = median(results.get(target.name)!.map((r) => r.p99Ms));
  console.log(
    `  ${target.name.padEnd(20)} ${Math.round(med(target.name)).toLocaleString('en-US').padStart(8)} req/s  p99 ${p99.toFixed(2)} ms`,
  );
}
console.log(`auth / no auth: ${median(ratios).toFixed(3)} (median of rounds); target >= 0.90`);

writeResult(values.json, {
  scenario: 'OAuth overhead, HTTP tools/call 2026 (wrk -t1 -c32)',
  unit: 'req/s',
  generator: 'wrk (lean purpose-built, C, one thread), not the erlmcp client',
  targets: targets.map((target) => wrkTargetResult(`erlmcp, ${target.name}`, results.get(target.name)!)),
  ratio: { label: 'Bearer JWT / no auth (median of rounds)', value: median(ratios), rounds: ratios },
});
