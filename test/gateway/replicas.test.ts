/**
 * Gateway replicas behind a load balancer without affinity share nothing for 2026 traffic (only the
 * requestState key), and only what Redis holds for 2025 sessions: every request goes to another
 * replica, each with its own upstream pool, and input rounds and sessions still work.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { type CliServer, startUrlServer } from '../support/cli-process.js';
import { CLI } from '../support/everything-command.js';
import { type RedisProcess, startRedis } from '../support/redis-server.js';
import { type RoundRobinProxy, startRoundRobinProxy } from '../support/round-robin-proxy.js';
import { contentText } from '../support/wait.js';

let upstream: HttpServerHandle;
let redis: RedisProcess;
const replicas: CliServer[] = [];
let proxy: RoundRobinProxy;
let url: string;

beforeAll(async () => {
  upstream = await serveHttp(createServer(), { port: 0 });
  redis = await startRedis();
  const env = {
    ERLMCP_REQUEST_STATE_SECRET: randomBytes(32).toString('base64url'),
    ERLMCP_LIMITS_MAX_EVENT_LOOP_DELAY_MS: '0',
  };
  const args = ['gateway', '--transport', 'http', '--port', '0', '--redis', redis.url];
  for (let i = 0; i < 2; i++)
    replicas.push(await startUrlServer([CLI, ...args, '--upstream', `ex=${upstream.url}`], env));
  proxy = await startRoundRobinProxy(replicas.map((replica) => replica.url));
  url = new URL(new URL(replicas[0]!.url).pathname, proxy.url).href;
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(replicas.map((replica) => replica.stop()));
  await redis?.stop();
  await upstream?.close();
});

/** Four rounds of a plain call and an elicitation, each request free to land on either replica. */
async function roundTrips(era: 'modern' | 'legacy'): Promise<void> {
  const asked: string[] = [];
  const client = new Client(
    { name: `replicas-${era}`, version: '1' },
    {
      versionNegotiation: era,
      elicitation: async (params) => {
        asked.push(String(params.message));
        return { action: 'accept', content: { username: 'ann', email: 'ann@example.com' } };
      },
    },
  );
  await client.connect(new StreamableHttpClientTransport(url));
  try {
    for (let round = 0; round < 4; round++) {
      const echoed = await client.callTool('ex__echo', { message: `${era}${round}` });
      expect(contentText(echoed)).toBe(`Echo: ${era}${round}`);
      const elicited = await client.callTool('ex__test_elicitation', { message: `q${round}` });
      expect(contentText(elicited)).toContain('action=accept');
    }
    expect(asked).toEqual(['q0', 'q1', 'q2', 'q3']);
  } finally {
    await client.close();
  }
}

describe('gateway replicas', () => {
  it('2026: calls and input rounds work with every request on another replica', async () => {
    await roundTrips('modern');
    const backends = new Set(
      proxy.log.filter((entry) => entry.method === 'POST').map((entry) => entry.backend),
    );
    expect(backends).toEqual(new Set([0, 1]));
  }, 60_000);

  it('2025: one session served by both replicas (its record in Redis), elicitation included', async () => {
    await roundTrips('legacy');
    const sessionBackends = new Set(
      proxy.log
        .filter((entry) => entry.sessionId !== undefined && entry.method === 'POST')
        .map((entry) => entry.backend),
    );
    expect(sessionBackends).toEqual(new Set([0, 1]));
  }, 60_000);
});
