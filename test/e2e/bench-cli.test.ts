/** `erlmcp bench` against real servers: closed loop over stdio, open loop (fixed rate) over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { formatReport, runBench } from '../../src/cli/bench.js';
import { type HttpServerHandle, serveHttp } from '../../src/exports/http.js';
import { McpServer } from '../../src/index.js';
import { everythingCommand } from '../support/everything-command.js';

let http: HttpServerHandle;
beforeAll(async () => {
  // No load shedding: on a busy CI machine the event loop lags and the server would (rightly) answer
  // some calls -32010, which is not what these tests measure.
  http = await serveHttp(createServer({ limits: { maxEventLoopDelayMs: 0 } }), { port: 0 });
});
afterAll(async () => {
  await http?.close();
});

describe('erlmcp bench', () => {
  it('drives a stdio server closed-loop and reports throughput and percentiles', async () => {
    const { command, args } = everythingCommand();
    const lines: string[] = [];
    const report = await runBench({
      target: [command, ...args].join(' '),
      tool: 'echo',
      args: { message: 'bench' },
      connections: 8,
      durationSeconds: 1.2,
      write: (line) => lines.push(line),
    });
    expect(report.errors).toBe(0);
    expect(report.completed).toBeGreaterThan(100);
    expect(report.p50).toBeLessThanOrEqual(report.p99);
    expect(report.p99).toBeLessThanOrEqual(report.max);
    expect(lines.some((line) => line.includes('req/s'))).toBe(true);
    expect(formatReport(report)).toMatch(/throughput \d+ req\/s\nlatency p50 [\d.]+ ms {2}p90/);
  });

  it('holds a fixed rate over HTTP, measuring from the intended send time', async () => {
    const report = await runBench({
      target: http.url,
      tool: 'echo',
      args: { message: 'r' },
      rate: 200,
      durationSeconds: 1,
      write: () => {},
    });
    expect(report.errors).toBe(0);
    // 200/s for 1 s: the open loop sends on schedule, whatever the server does.
    expect(report.completed).toBeGreaterThanOrEqual(190);
    expect(report.completed).toBeLessThanOrEqual(201);
  });

  it('counts tool errors as errors', async () => {
    const report = await runBench({
      target: http.url,
      tool: 'test_error_handling',
      connections: 2,
      durationSeconds: 0.3,
      write: () => {},
    });
    expect(report.completed).toBeGreaterThan(0);
    expect(report.errors).toBe(report.completed);
    expect(report.errorReasons).toEqual([
      { message: expect.stringMatching(/^the tool answered isError: /), count: report.errors },
    ]);
  });

  it('counts errors by reason, most frequent first', async () => {
    const flaky = new McpServer({ name: 'flaky', version: '1' });
    let calls = 0;
    flaky.tool('flaky', {
      handler: () => {
        calls++;
        if (calls % 3 === 0) throw new Error('upstream timed out');
        if (calls % 3 === 1) throw new Error('disk full');
        return 'ok';
      },
    });
    const served = await serveHttp(flaky, { port: 0 });
    try {
      const report = await runBench({
        target: served.url,
        tool: 'flaky',
        connections: 1,
        durationSeconds: 0.3,
        write: () => {},
      });
      const [first, second] = report.errorReasons;
      expect(report.errorReasons).toHaveLength(2);
      expect(first!.message).toMatch(/^the tool answered isError: .*disk full/);
      expect(second!.message).toMatch(/^the tool answered isError: .*upstream timed out/);
      expect(first!.count).toBeGreaterThanOrEqual(second!.count);
      expect(first!.count + second!.count).toBe(report.errors);
      expect(formatReport(report)).toMatch(
        new RegExp(
          `\\nerrors by reason:\\n +${first!.count}  the tool answered isError: .*disk full\\n +${second!.count}  `,
        ),
      );
    } finally {
      await served.close();
    }
  });

  it("names an unknown tool with the likely one and the server's tools", async () => {
    await expect(
      runBench({ target: http.url, tool: 'ecoh', durationSeconds: 0.2, write: () => {} }),
    ).rejects.toThrow(
      /the server has no tool "ecoh"; did you mean "echo"\? \(the server has: echo, .*test_error_handling/,
    );
  });

  it('says which tool it picked when none is given, and lists the tools when none can be picked', async () => {
    const lines: string[] = [];
    const report = await runBench({
      target: http.url,
      connections: 1,
      durationSeconds: 0.2,
      write: (line) => lines.push(line),
    });
    expect(lines[0]).toMatch(
      new RegExp(
        `^no --tool given: calling "${report.tool}", the first tool that needs no arguments \\(the server has: echo, `,
      ),
    );
    const needy = new McpServer({ name: 'needy', version: '1' });
    needy.tool('add', {
      inputSchema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
      handler: () => '0',
    });
    const served = await serveHttp(needy, { port: 0 });
    try {
      await expect(runBench({ target: served.url, durationSeconds: 0.2, write: () => {} })).rejects.toThrow(
        'erlmcp bench: no tool works without arguments (the server has: add); pass --tool and --args',
      );
    } finally {
      await served.close();
    }
  });

  it('never reports a negative latency at a fixed rate', async () => {
    const report = await runBench({
      target: http.url,
      tool: 'echo',
      args: { message: 'r' },
      rate: 2000,
      durationSeconds: 0.5,
      write: () => {},
    });
    expect(report.completed).toBeGreaterThan(0);
    expect(report.min).toBeGreaterThanOrEqual(0);
  });
});
