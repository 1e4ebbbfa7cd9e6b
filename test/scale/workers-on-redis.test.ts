/**
 * `erlmcp serve --workers 2 --redis`: every worker is a node of its own on Redis, so a 2025 session
 * is served by whichever worker takes a connection (no routing between workers), and a worker that
 * dies takes no session with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, postOnFreshConnection, startCli } from '../support/cli-process.js';
import { EVERYTHING } from '../support/everything-command.js';
import { type RedisProcess, startRedis } from '../support/redis-server.js';
import { waitUntil } from '../support/wait.js';

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

let redis: RedisProcess;
let server: CliServer;
beforeAll(async () => {
  redis = await startRedis();
  server = await startCli(
    [EVERYTHING, '--transport', 'http', '--port', '0', '--workers', '2', '--redis', redis.url],
    { ERLMCP_LIMITS_MAX_EVENT_LOOP_DELAY_MS: '0' },
  );
  await waitUntil(() => readyPids().length >= 2, 20_000);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

const readyPids = () => [...server.stderr().matchAll(/worker (\d+) ready/g)].map((match) => Number(match[1]));

const post = (sessionId: string | undefined, message: object) =>
  postOnFreshConnection(
    server.url,
    { ...HEADERS, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
    JSON.stringify({ jsonrpc: '2.0', ...message }),
  );

describe('erlmcp serve --workers on Redis', () => {
  it('serves a session from any worker, and it outlives the worker that opened it', async () => {
    const opened = await post(undefined, {
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    const sessionId = opened.headers['mcp-session-id'] as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/); // no worker tag: nothing routes by owner
    await post(sessionId, { method: 'notifications/initialized' });
    for (let i = 1; i <= 8; i++) {
      const answer = await post(sessionId, {
        id: i,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: `w${i}` } },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ result: { content: [{ text: `Echo: w${i}` }] } });
    }
    // Kill both workers, one after the other (the primary starts new ones): the session goes on.
    for (const pid of readyPids()) {
      const before = readyPids().length;
      process.kill(pid, 'SIGKILL');
      await waitUntil(() => server.stderr().includes(`worker ${pid} exited`), 10_000);
      await waitUntil(() => readyPids().length === before + 1, 20_000);
    }
    for (let i = 10; i < 16; i++) {
      const answer = await post(sessionId, {
        id: i,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: 'after' } },
      });
      expect(answer.status).toBe(200);
    }
  }, 90_000);
});
