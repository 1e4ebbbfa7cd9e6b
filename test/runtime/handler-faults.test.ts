import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import {
  busyLoop,
  callTool,
  modernCallTool,
  openSession,
  resultText,
  ServerPool,
  sessionRequest,
} from './http-helpers.js';

const pool = new ServerPool();
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  await pool.stopAll();
});

describe('a tool handler that throws', () => {
  it('gives an isError result in both eras, and the session keeps working', async () => {
    const { url, mcp } = await pool.start((server) => {
      server.tool('boom', {
        handler: () => {
          throw new Error('kaboom');
        },
      });
      server.tool('boomAsync', { handler: async () => Promise.reject(new TypeError('async kaboom')) });
      server.tool('echo', { handler: () => 'still here' });
    });
    const session = await openSession(url);
    for (const tool of ['boom', 'boomAsync', 'boom']) {
      const reply = await callTool(url, session, tool);
      expect(reply.status).toBe(200);
      expect(reply.body.error).toBeUndefined();
      expect(reply.body.result).toMatchObject({ isError: true });
      expect(resultText(reply)).toContain('kaboom');
    }
    const stateless = await modernCallTool(url, 'boom');
    expect([stateless.status, stateless.body.result?.isError, resultText(stateless)]).toEqual([
      200,
      true,
      'kaboom',
    ]);
    expect(resultText(await callTool(url, session, 'echo'))).toBe('still here');
    expect((await sessionRequest(url, session, 'ping')).body.result).toEqual({});
    expect(mcp.core.supervisor.inFlight).toBe(0);
    expect(mcp.core.supervisor.sessions).toBe(1);
  });
});

describe('a tool handler that never resolves', () => {
  it('times out with an error after requestTimeoutMs; other requests of the same session are unaffected', async () => {
    let hung = 0;
    const { url, mcp } = await pool.start(
      (server) => {
        server.tool('hang', {
          // Ignores its abort signal too: the runner must answer anyway.
          handler: () => {
            hung++;
            return new Promise<string>(() => {});
          },
        });
        server.tool('echo', { handler: () => 'fine' });
      },
      { requestTimeoutMs: 300 },
    );
    const session = await openSession(url);
    const hanging = [callTool(url, session, 'hang'), callTool(url, session, 'hang')];
    const statelessHang = modernCallTool(url, 'hang');
    // While three requests hang, the same session (and a stateless client) are served at once.
    const quick = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? callTool(url, session, 'echo') : modernCallTool(url, 'echo'),
      ),
    );
    for (const reply of quick) {
      expect(resultText(reply)).toBe('fine');
      // Far below the 300 ms timeout the hanging requests are waiting for.
      expect(reply.ms).toBeLessThan(300);
    }
    expect(hung).toBe(3);
    expect(mcp.core.supervisor.inFlight).toBe(3);

    for (const reply of await Promise.all(hanging)) {
      expect(reply.status).toBe(200);
      expect(reply.body.error).toMatchObject({ code: ErrorCode.InternalError, data: { reason: 'timeout' } });
      expect(reply.body.error?.message).toMatch(/timed out after \d+ ms/);
    }
    const modern = await statelessHang;
    expect(modern.body.error).toMatchObject({ code: ErrorCode.InternalError, data: { reason: 'timeout' } });
    expect(mcp.core.supervisor.inFlight).toBe(0);
    // The session is still usable, including for another hang that times out on its own.
    expect(resultText(await callTool(url, session, 'echo'))).toBe('fine');
    expect((await callTool(url, session, 'hang')).body.error).toMatchObject({ data: { reason: 'timeout' } });
    expect(mcp.core.supervisor.sessions).toBe(1);
  });
});

interface Probe {
  phase: 'during' | 'after' | 'late';
  kind: 'echo' | 'ping' | 'modern';
  sentAt: number;
  doneAt: number;
  status: number;
  retryAfter: string | null;
  code?: number;
  reason?: string;
  limit?: string;
  text?: string;
  error?: string;
}

describe('a tool handler that blocks the event loop for 2 s', () => {
  it('sheds new work with 503 + Retry-After right after the block, keeps answering ping, then serves normally', async () => {
    const BLOCK_MS = 2_000;
    let prober: Worker | undefined;
    let blockEnd = 0;
    const { url, mcp } = await pool.start(
      (server) => {
        server.tool('spin', {
          handler: () => {
            // The prober (its own thread and event loop) sends while this loop is blocked.
            prober?.postMessage('go');
            busyLoop(BLOCK_MS);
            blockEnd = Date.now();
            prober?.postMessage('unblocked');
            return 'spun';
          },
        });
        server.tool('echo', { handler: () => 'echo' });
      },
      { limits: { maxEventLoopDelayMs: 250 } },
    );
    const session = await openSession(url);
    expect(resultText(await callTool(url, session, 'echo'))).toBe('echo');

    prober = new Worker(fileURLToPath(new URL('../fixtures/http-prober.mjs', import.meta.url)), {
      workerData: { url, sessionId: session },
    });
    workers.push(prober);
    const worker = prober;
    const results = new Promise<Probe[]>((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (message !== 'ready') resolve((message as { probes: Probe[] }).probes);
      });
      worker.once('error', reject);
    });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));

    const spin = await callTool(url, session, 'spin');
    // The blocking request itself completes.
    expect(resultText(spin)).toBe('spun');
    const probes = await results;

    const inPhase = (phase: Probe['phase']) => probes.filter((probe) => probe.phase === phase);
    const shed = probes.filter((probe) => probe.status === 503);
    const context = (['during', 'after', 'late'] as const)
      .map(
        (phase) =>
          `${phase}: ${inPhase(phase)
            .map((p) => `${p.kind}:${p.status}@${p.sentAt - blockEnd}`)
            .join(' ')}`,
      )
      .join('\n');
    // Probes really queued up behind the block (10+ rounds), and kept coming after it.
    expect(inPhase('during').length, context).toBeGreaterThanOrEqual(30);
    expect(inPhase('late').length, context).toBeGreaterThanOrEqual(15);

    // Nothing failed in any other way: every probe was answered, and answered right or shed.
    for (const probe of probes) {
      expect([200, 503], context).toContain(probe.status);
      if (probe.status === 200) {
        expect(probe.code, context).toBeUndefined();
        if (probe.kind !== 'ping') expect(probe.text).toBe('echo');
      }
    }
    // Liveness is never shed with the work it reports on.
    for (const probe of probes.filter((p) => p.kind === 'ping')) expect(probe.status, context).toBe(200);
    // Right after the block new work is shed, as overload (-32010) due to the event loop, with a
    // retry hint. (How much depends on the monitor: a window-based delay monitor sheds everything
    // queued during the block and the first window after it; at least one shed probe is asserted.)
    expect(shed.length, context).toBeGreaterThanOrEqual(1);
    for (const probe of shed) {
      expect(probe.kind).not.toBe('ping');
      expect(probe.code).toBe(ErrorCode.Overloaded);
      expect(probe.reason).toBe('overloaded');
      expect(probe.limit).toMatch(/^maxEventLoop/);
      expect(Number(probe.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Shedding is short: nothing sent later than 1 s after the block is shed; both eras are served.
    expect(
      shed.every((probe) => probe.sentAt < blockEnd + 1_000),
      context,
    ).toBe(true);
    expect(inPhase('late').every((probe) => probe.status === 200)).toBe(true);
    expect(mcp.core.supervisor.inFlight).toBe(0);
  });
});
