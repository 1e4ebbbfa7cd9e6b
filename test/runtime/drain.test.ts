import { afterEach, describe, expect, it } from 'vitest';
import {
  type CliServer,
  MODERN_HEADERS,
  modernToolCall,
  postOnFreshConnection,
  type Reply,
  startCli,
} from '../support/cli-process.js';
import { waitUntil } from '../support/wait.js';

const FIXTURE = 'test/fixtures/slow-server.mjs';

/** One POST on its own connection; resolves with status and parsed body, or the socket error. */
function post(url: string, body: string): Promise<{ status: number; body: Reply } | { error: string }> {
  const headers = { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'sleep' };
  return postOnFreshConnection(url, headers, body).catch((error: NodeJS.ErrnoException) => ({
    error: error.code ?? error.message,
  }));
}

describe('graceful drain on SIGTERM', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('lets 500 in-flight requests finish or end them with a clean error, then exits 0', async () => {
    server = await startCli([FIXTURE, '--transport', 'http', '--port', '0'], {
      ERLMCP_LIMITS_DRAIN_TIMEOUT_MS: '1500',
      ERLMCP_LIMITS_MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    const url = server.url;
    // 400 short requests finish inside the drain window; 100 "hung" ones outlive it.
    let answered = 0;
    const calls = Array.from({ length: 500 }, (_, i) =>
      post(url, modernToolCall(i + 1, 'sleep', { ms: i < 400 ? 300 + (i % 5) * 100 : 60_000 })).finally(
        () => {
          answered++;
        },
      ),
    );
    // Every request admitted before the signal: running now, or (on a loaded machine, where admitting
    // 500 takes longer than the shortest sleeps) already answered.
    const health = async () =>
      (await fetch(new URL('/healthz', url))).json() as Promise<{ inFlight: number }>;
    // Answers counted before asking: one finishing in between is then counted in neither, never twice.
    const admitted = async () => {
      const done = answered;
      return (await health()).inFlight + done;
    };
    const deadline = Date.now() + 10_000;
    while ((await admitted()) < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await admitted()).toBe(500);
    server.child.kill('SIGTERM');
    const results = await Promise.all(calls);
    const finished = results.filter((r) => 'status' in r && r.status === 200 && r.body.result);
    const drained = results.filter(
      (r) =>
        'status' in r &&
        r.status === 503 &&
        r.body.error?.code === -32010 &&
        r.body.error.data?.reason === 'draining',
    );
    expect(finished).toHaveLength(400);
    expect(drained).toHaveLength(100);
    expect(await server.exited).toBe(0);
  }, 30_000);

  it('stops accepting connections at once while running requests complete', async () => {
    server = await startCli([FIXTURE, '--transport', 'http', '--port', '0'], {
      ERLMCP_LIMITS_DRAIN_TIMEOUT_MS: '3000',
      ERLMCP_LIMITS_MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    const slow = post(server.url, modernToolCall(1, 'sleep', { ms: 1000 }));
    await waitUntil(() => false, 200).catch(() => {});
    server.child.kill('SIGTERM');
    await waitUntil(() => false, 100).catch(() => {});
    const late = await post(server.url, modernToolCall(2, 'sleep', { ms: 1 }));
    expect(late).toEqual({ error: expect.stringMatching(/ECONNREFUSED/) });
    const first = await slow;
    expect('status' in first && first.body.result?.content[0]?.text).toBe('slept 1000 ms');
    expect(await server.exited).toBe(0);
  }, 20_000);
});
