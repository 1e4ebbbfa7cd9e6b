import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErlmcpError, localFailureData, McpError } from '../../jsonrpc/errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { McpServer } from '../../server/mcp-server.js';
import { createLinkedPair } from '../../transports/memory/linked-pair.js';
import { Client } from '../client.js';
import { CircuitBreaker, CircuitOpenError, type CircuitState } from './circuit-breaker.js';

const timeout = () => new ErlmcpError('ERR_REQUEST_TIMEOUT', 'timed out');
const fail = (error: unknown) => () => Promise.reject(error);
const ok = () => Promise.resolve('ok');

function breakerWithClock(options: { failureThreshold?: number; halfOpenMaxCalls?: number } = {}) {
  const clock = { t: 0 };
  const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000, ...options, now: () => clock.t });
  const transitions: string[] = [];
  breaker.onStateChange((state, previous) => transitions.push(`${previous}->${state}`));
  return { breaker, clock, transitions };
}

async function openIt(breaker: CircuitBreaker, failures = 3) {
  for (let i = 0; i < failures; i++) await expect(breaker.run(fail(timeout()))).rejects.toThrow('timed out');
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures; a success in between resets the count', async () => {
    const { breaker, transitions } = breakerWithClock();
    await openIt(breaker, 2);
    await breaker.run(ok);
    await openIt(breaker, 2);
    expect(breaker.state).toBe('closed');
    await openIt(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open']);
  });

  it('fails fast while open, without calling fn, saying when the next probe is', async () => {
    const { breaker, clock } = breakerWithClock();
    await openIt(breaker);
    clock.t = 400;
    const fn = vi.fn(ok);
    const error = await breaker.run(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(ErlmcpError);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as ErlmcpError).code).toBe('ERR_CIRCUIT_OPEN');
    expect((error as CircuitOpenError).retryAfterMs).toBe(600);
    expect((error as Error).message).toContain('600 ms');
  });

  it('lets one probe through when half-open, failing others fast, and closes on its success', async () => {
    const { breaker, clock, transitions } = breakerWithClock();
    await openIt(breaker);
    clock.t = 1_000;
    expect(breaker.state).toBe('half-open');
    let answer: (value: string) => void = () => {};
    const probe = breaker.run(() => new Promise<string>((resolve) => (answer = resolve)));
    const other = vi.fn(ok);
    const error = await breaker.run(other).catch((e: unknown) => e);
    expect(other).not.toHaveBeenCalled();
    expect((error as CircuitOpenError).code).toBe('ERR_CIRCUIT_OPEN');
    expect((error as CircuitOpenError).retryAfterMs).toBe(0);
    answer('probed');
    await expect(probe).resolves.toBe('probed');
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
    await expect(breaker.run(ok)).resolves.toBe('ok');
  });

  it('re-opens for another openMs when the probe fails', async () => {
    const { breaker, clock } = breakerWithClock();
    await openIt(breaker);
    clock.t = 1_500;
    await expect(breaker.run(fail(timeout()))).rejects.toThrow('timed out');
    expect(breaker.state).toBe('open');
    clock.t = 2_000;
    const error = await breaker.run(ok).catch((e: unknown) => e);
    expect((error as CircuitOpenError).retryAfterMs).toBe(500);
    clock.t = 2_500;
    expect(breaker.state).toBe('half-open');
  });

  it('admits halfOpenMaxCalls probes', async () => {
    const { breaker, clock } = breakerWithClock({ halfOpenMaxCalls: 2 });
    await openIt(breaker);
    clock.t = 1_000;
    const hang = () => new Promise<never>(() => {});
    void breaker.run(hang);
    void breaker.run(hang);
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('does not count JSON-RPC errors from a server that answered, nor cancellations', async () => {
    const { breaker } = breakerWithClock({ failureThreshold: 1 });
    const invalid = new McpError(ErrorCode.InvalidParams, 'bad params');
    await expect(breaker.run(fail(invalid))).rejects.toBe(invalid);
    await expect(breaker.run(fail(new McpError(ErrorCode.MethodNotFound, 'no')))).rejects.toThrow();
    await expect(breaker.run(fail(new ErlmcpError('ERR_REQUEST_CANCELLED', 'aborted')))).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(fail(new Error('ECONNRESET')))).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it("counts an HTTP transport's made-up -32603 for a request that got no answer, not a peer's", async () => {
    const { breaker } = breakerWithClock({ failureThreshold: 1 });
    const sent = new McpError(ErrorCode.InternalError, 'fetch failed', { code: 'ERR_CONNECTION_CLOSED' });
    await expect(breaker.run(fail(sent))).rejects.toBe(sent);
    expect(breaker.state).toBe('closed');
    const data = localFailureData({ code: 'ERR_CONNECTION_CLOSED' });
    await expect(
      breaker.run(fail(new McpError(ErrorCode.InternalError, 'fetch failed', data))),
    ).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it('ignores outcomes of calls started before a transition, and honours isFailure', async () => {
    const { breaker, clock } = breakerWithClock({ failureThreshold: 1 });
    let late: (value: string) => void = () => {};
    const slow = breaker.run(() => new Promise<string>((resolve) => (late = resolve)));
    await openIt(breaker, 1);
    clock.t = 1_000;
    late('late');
    await slow;
    expect(breaker.state).toBe('half-open');

    const custom = new CircuitBreaker({ failureThreshold: 1, isFailure: () => false });
    await expect(custom.run(fail(timeout()))).rejects.toThrow();
    expect(custom.state).toBe('closed');
  });

  it('unsubscribes listeners, and a throwing listener does not change the outcome', async () => {
    const { breaker } = breakerWithClock({ failureThreshold: 1 });
    const seen: CircuitState[] = [];
    const off = breaker.onStateChange((state) => seen.push(state));
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    off();
    await expect(breaker.run(fail(timeout()))).rejects.toThrow('timed out');
    expect(breaker.state).toBe('open');
    expect(seen).toEqual([]);
  });
});

describe('Client with a circuit breaker', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('opens on upstream timeouts, then fails fast with ERR_CIRCUIT_OPEN, and recovers', async () => {
    const server = new McpServer({ name: 'flaky', version: '1.0.0' });
    let hangs = 0;
    server.tool('hang', {
      description: 'Never answers (until cancelled)',
      handler: (_args, ctx) => {
        hangs++;
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        );
      },
    });
    server.tool('echo', { description: 'Answers', handler: () => 'pong' });
    const [clientSide, serverSide] = createLinkedPair();
    await server.connect(serverSide);
    const clock = { t: 0 };
    const client = new Client(
      { name: 'breaker-test', version: '1.0.0' },
      { requestTimeoutMs: 50, circuitBreaker: { failureThreshold: 2, openMs: 5_000, now: () => clock.t } },
    );
    await client.connect(clientSide);
    closers.push(async () => {
      await client.close();
      await server.close();
    });

    // An application error from a healthy server does not count.
    await expect(client.callTool('missing')).rejects.toBeInstanceOf(McpError);
    await expect(client.callTool('missing')).rejects.toBeInstanceOf(McpError);
    expect(client.circuitBreaker?.state).toBe('closed');

    for (let i = 0; i < 2; i++)
      await expect(client.callTool('hang')).rejects.toMatchObject({ code: 'ERR_REQUEST_TIMEOUT' });
    expect(client.circuitBreaker?.state).toBe('open');

    const started = performance.now();
    const error = await client.callTool('hang').catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(50);
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 5_000 });
    await expect(client.listTools()).rejects.toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(hangs).toBe(2);

    // After openMs one probe goes through; the server answers, so the circuit closes.
    clock.t = 5_000;
    expect((await client.callTool('echo')).content).toEqual([{ type: 'text', text: 'pong' }]);
    expect(client.circuitBreaker?.state).toBe('closed');
  });
});
