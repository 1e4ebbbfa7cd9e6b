import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { callTool, modernCallTool, openSession, type Reply, resultText, ServerPool } from './http-helpers.js';

const pool = new ServerPool();
afterEach(() => pool.stopAll());

const RATE = { perSecond: 20, burst: 20 };

function expectRateLimited(reply: Reply, limit: string): void {
  expect(reply.status).toBe(429);
  expect(Number(reply.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(reply.body.error).toMatchObject({
    code: ErrorCode.RateLimited,
    data: { reason: 'rate_limited', limit },
  });
  // One token at 20/s is at most 50 ms away: the hint is the bucket's own wait, rounded up to 1 s in the header.
  const retryAfterMs = reply.body.error?.data?.retryAfterMs as number;
  expect(retryAfterMs).toBeGreaterThan(0);
  expect(retryAfterMs).toBeLessThanOrEqual(50);
}

describe('a client flooding one 2025 session', () => {
  it('gets 429 + Retry-After (-32011) past its rate, while another session is served in full', async () => {
    let calls = 0;
    const { url, mcp } = await pool.start(
      (server) => {
        server.tool('echo', {
          handler: () => {
            calls++;
            return 'ok';
          },
        });
      },
      { limits: { rate: { perSession: RATE } } },
    );
    const flooder = await openSession(url);
    const polite = await openSession(url);

    const started = performance.now();
    const flood = Array.from({ length: 100 }, () => callTool(url, flooder, 'echo'));
    const politeCalls = Array.from({ length: 15 }, () => callTool(url, polite, 'echo'));
    const [flooded, served] = await Promise.all([Promise.all(flood), Promise.all(politeCalls)]);
    const elapsedS = (performance.now() - started) / 1000;

    const ok = flooded.filter((reply) => reply.status === 200);
    const limited = flooded.filter((reply) => reply.status !== 200);
    for (const reply of ok) expect(resultText(reply)).toBe('ok');
    for (const reply of limited) expectRateLimited(reply, 'rate.perSession');
    // The burst, plus what refilled while the flood lasted (+1 for rounding), and no more.
    expect(ok.length).toBeGreaterThanOrEqual(RATE.burst);
    expect(ok.length).toBeLessThanOrEqual(RATE.burst + Math.ceil(elapsedS * RATE.perSecond) + 1);
    expect(limited.length).toBeGreaterThanOrEqual(
      100 - RATE.burst - Math.ceil(elapsedS * RATE.perSecond) - 1,
    );

    // The other session, at the same time: every request served.
    for (const reply of served) expect([reply.status, resultText(reply)]).toEqual([200, 'ok']);
    // Refused requests never reached the handler.
    expect(calls).toBe(ok.length + served.length);

    // Once the flooder waits as told, its session works again: the session was limited, not broken.
    await sleep(Number(limited[0]?.retryAfter ?? 1) * 1000);
    const again = await Promise.all(Array.from({ length: 10 }, () => callTool(url, flooder, 'echo')));
    for (const reply of again) expect(reply.status).toBe(200);
    expect(mcp.core.supervisor.sessions).toBe(2);
    expect(mcp.core.supervisor.inFlight).toBe(0);
  });

  it('limits stateless 2026 clients per IP when rate.perIp is on', async () => {
    const { url } = await pool.start(
      (server) => {
        server.tool('echo', { handler: () => 'ok' });
      },
      { limits: { rate: { perIp: RATE } } },
    );
    const started = performance.now();
    const replies = await Promise.all(Array.from({ length: 100 }, () => modernCallTool(url, 'echo')));
    const elapsedS = (performance.now() - started) / 1000;
    const ok = replies.filter((reply) => reply.status === 200);
    const limited = replies.filter((reply) => reply.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(RATE.burst);
    expect(ok.length).toBeLessThanOrEqual(RATE.burst + Math.ceil(elapsedS * RATE.perSecond) + 1);
    expect(limited.length).toBeGreaterThan(0);
    for (const reply of limited) expectRateLimited(reply, 'rate.perIp');
  });
});
