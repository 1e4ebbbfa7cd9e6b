import { describe, expect, it } from 'vitest';
import { ErlmcpError, McpError } from './errors.js';
import { PendingRequests } from './pending-requests.js';

describe('PendingRequests', () => {
  it('resolves by id and reports unknown ids', async () => {
    const pending = new PendingRequests();
    const answer = pending.track(1, { timeoutMs: 1000 });
    expect(pending.resolve({ jsonrpc: '2.0', id: 99, result: {} })).toBe(false);
    expect(pending.resolve({ jsonrpc: '2.0', id: 1, result: { ok: true } })).toBe(true);
    await expect(answer).resolves.toEqual({ ok: true });
    expect(pending.size).toBe(0);
  });

  it('rejects with the peer error as McpError', async () => {
    const pending = new PendingRequests();
    const answer = pending.track('a', { timeoutMs: 1000 });
    pending.resolve({ jsonrpc: '2.0', id: 'a', error: { code: -32601, message: 'nope' } });
    await expect(answer).rejects.toEqual(new McpError(-32601, 'nope'));
  });

  it('times out, resets on touch, and respects the hard maximum', async () => {
    const pending = new PendingRequests();
    const cancels: unknown[] = [];
    const started = Date.now();
    const answer = pending.track(1, {
      timeoutMs: 40,
      maxTotalTimeoutMs: 100,
      onCancel: (reason) => cancels.push(reason),
    });
    const toucher = setInterval(() => pending.touch(1), 20);
    const error = await answer.catch((e: unknown) => e);
    clearInterval(toucher);
    expect(error).toBeInstanceOf(ErlmcpError);
    expect((error as ErlmcpError).code).toBe('ERR_REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(cancels).toHaveLength(1);
  });

  it('rejects on abort and on rejectAll', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const aborted = pending.track(1, { timeoutMs: 1000, signal: controller.signal });
    controller.abort('stop');
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_REQUEST_CANCELLED' });
    const open = pending.track(2, { timeoutMs: 1000 });
    pending.rejectAll(new ErlmcpError('ERR_CONNECTION_CLOSED', 'gone'));
    await expect(open).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
  });
});
