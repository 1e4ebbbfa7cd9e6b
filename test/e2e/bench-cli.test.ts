/** `erlmcp bench` against real servers: closed loop over stdio, open loop (fixed rate) over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { formatReport, runBench } from '../../src/cli/bench.js';
import { type HttpServerHandle, serveHttp } from '../../src/exports/http.js';
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
    expect(formatReport(report)).toMatch(/\nfirst error: the tool answered isError: /);
  });

  it('names an unknown tool, and says which tool it picked when none is given', async () => {
    const write = () => {};
    await expect(
      runBench({ target: http.url, tool: 'no_such', durationSeconds: 0.2, write }),
    ).rejects.toThrow(/the server has no tool "no_such" \(it has: .*echo/);
    const lines: string[] = [];
    const report = await runBench({
      target: http.url,
      connections: 1,
      durationSeconds: 0.2,
      write: (line) => lines.push(line),
    });
    expect(lines[0]).toBe(
      `no --tool given: calling "${report.tool}", the first tool that needs no arguments`,
    );
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
