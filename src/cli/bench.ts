import { Client } from '../client/client.js';
import type { Transport } from '../core/transport.js';
import { StdioClientTransport } from '../transports/stdio/client-transport.js';
import { transportForUrl } from '../transports/transport-for-url.js';
import { suggestion } from './did-you-mean.js';
import { ErrorTally } from './error-tally.js';

export interface BenchOptions {
  /** A server URL (http, https, ws, wss, tcp, tls), or a command line that starts a stdio server. */
  target: string;
  tool?: string;
  args?: Record<string, unknown>;
  /** Open loop: requests per second, latency measured from each request's intended send time. */
  rate?: number;
  /** Closed loop: this many requests in flight at all times (default 16). */
  connections?: number;
  durationSeconds: number;
  /** Progress lines (once a second) and the report go here. */
  write(line: string): void;
}

export interface BenchReport {
  tool: string;
  completed: number;
  errors: number;
  /** Failures counted by message, most frequent first, so "N errors" comes with its reasons. */
  errorReasons: { message: string; count: number }[];
  seconds: number;
  throughput: number;
  /** The fastest call: never negative (no request is sent before it is due). */
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function transportFor(target: string): Transport {
  if (/^(https?|wss?|tcp|tls):\/\//.test(target)) return transportForUrl(target);
  const [command, ...args] = target.split(' ').filter(Boolean);
  if (!command) throw new Error('erlmcp bench: give a URL or a command');
  // The server's stderr stays visible: a server that fails to start says why there.
  return new StdioClientTransport({ command, args, stderr: 'inherit' });
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/**
 * Load-tests any MCP server with `tools/call` through the erlmcp client: closed loop (N in flight) or
 * open loop at a fixed rate, where latency counts from the intended send time so a stalled server
 * cannot hide its queueing (coordinated omission).
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const client = new Client({ name: 'erlmcp-bench', version: '0.1.0' });
  await client.connect(transportFor(options.target));
  try {
    const tool = await chooseTool(client, options);
    const args = options.args ?? {};
    const latencies: number[] = [];
    const tally = new ErrorTally();
    const started = performance.now();
    const endAt = started + options.durationSeconds * 1000;
    const call = async (intendedAt: number) => {
      try {
        const result = await client.callTool(tool, args);
        if (result.isError) tally.add(`the tool answered isError: ${resultText(result.content)}`);
      } catch (error) {
        tally.add(error instanceof Error ? error.message : String(error));
      }
      latencies.push(performance.now() - intendedAt);
    };
    const progress = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      options.write(
        `  ${elapsed.toFixed(0)}s  ${latencies.length} done  ${Math.round(latencies.length / elapsed)} req/s  ${tally.total} errors`,
      );
    }, 1000);
    try {
      if (options.rate) {
        const interval = 1000 / options.rate;
        const inFlight: Promise<void>[] = [];
        for (let intended = started; intended < endAt; intended += interval) {
          const wait = intended - performance.now();
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
          // Never sent before it is due (timers only wait whole milliseconds: turn the loop for the
          // rest), and always timed from when it was due: a stalled server cannot hide its queue.
          while (performance.now() < intended) await new Promise((resolve) => setImmediate(resolve));
          inFlight.push(call(intended));
        }
        await Promise.all(inFlight);
      } else {
        const worker = async () => {
          while (performance.now() < endAt) await call(performance.now());
        };
        await Promise.all(Array.from({ length: options.connections ?? 16 }, worker));
      }
    } finally {
      clearInterval(progress);
    }
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      tool,
      completed: latencies.length,
      errors: tally.total,
      errorReasons: tally.reasons(),
      seconds,
      throughput: latencies.length / seconds,
      min: sorted[0] ?? Number.NaN,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? Number.NaN,
    };
  } finally {
    await client.close();
  }
}

export function formatReport(report: BenchReport): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  return [
    `tool ${report.tool}: ${report.completed} calls in ${report.seconds.toFixed(1)} s, ${report.errors} errors`,
    `throughput ${Math.round(report.throughput)} req/s`,
    `latency p50 ${ms(report.p50)}  p90 ${ms(report.p90)}  p99 ${ms(report.p99)}  max ${ms(report.max)}`,
    ...(report.errorReasons.length === 0 ? [] : ['errors by reason:']),
    ...report.errorReasons.map(({ message, count }) => `  ${String(count).padStart(7)}  ${message}`),
  ].join('\n');
}

/**
 * The tool to call: the one named (an unknown name is answered with the server's tools and the
 * likely one), else the first that needs no arguments, announced so the figures say what they measure.
 */
async function chooseTool(client: Client, options: BenchOptions): Promise<string> {
  const tools = await client.listAllTools();
  const names = tools.map((candidate) => candidate.name);
  const listed = names.length === 0 ? 'the server has no tools' : `the server has: ${listNames(names)}`;
  if (options.tool !== undefined) {
    if (names.includes(options.tool)) return options.tool;
    throw new Error(
      `erlmcp bench: the server has no tool "${options.tool}"${suggestion(options.tool, names)} (${listed})`,
    );
  }
  const tool = tools.find((candidate) => !(candidate.inputSchema.required as unknown[] | undefined)?.length);
  if (!tool)
    throw new Error(`erlmcp bench: no tool works without arguments (${listed}); pass --tool and --args`);
  options.write(
    `no --tool given: calling "${tool.name}", the first tool that needs no arguments (${listed})`,
  );
  return tool.name;
}

function listNames(names: string[]): string {
  const shown = 20;
  return names.length <= shown
    ? names.join(', ')
    : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** A tool error's text blocks (what a person reads), else its content as JSON; bounded either way. */
function resultText(content: unknown): string {
  const blocks = Array.isArray(content) ? (content as { type?: string; text?: unknown }[]) : [];
  const texts = blocks.filter((block) => typeof block.text === 'string').map((block) => block.text);
  return (texts.length > 0 ? texts.join(' ') : JSON.stringify(content)).slice(0, 200);
}
