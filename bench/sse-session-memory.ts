/**
 * Where the memory of a long 2025 session answered over SSE goes. One Streamable HTTP session makes
 * N sequential `tools/call` (echo), answered as JSON, then as SSE, then as SSE twice more to attribute
 * the difference: once with an EventStore that keeps nothing (no `Last-Event-ID` resumption) and once
 * with V8's young generation capped (`--max-semi-space-size=8`). Then `--sessions` sessions make
 * more calls each than the event store keeps streams for, to show the heap a session holds.
 * The server runs alone in a child process (this script with `--serve`, `--expose-gc`); this process
 * is a lean generator (node:http, one keep-alive connection, one request at a time). At every tenth
 * the child reports `process.memoryUsage()` and V8's new-space size after forced GC.
 * Usage: node dist/bench/sse-session-memory.js [--requests 60000] [--sessions 100] [--quick]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { createServer } from '../examples/everything.js';
import { serveHttp } from '../src/exports/http.js';
import { type EventStore, MAX_STREAMS_PER_SESSION } from '../src/transports/http/event-store.js';
import { benchServerOptions } from './lib/bench-limits.js';
import { ACCEPT, INITIALIZE_2025 } from './lib/http-session.js';

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    mode: { type: 'string', default: 'sse' },
    'keep-nothing': { type: 'boolean' },
    requests: { type: 'string', default: '60000' },
    sessions: { type: 'string', default: '100' },
    quick: { type: 'boolean' },
  },
});

interface Sample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  newSpace: number;
}

/** The server side: erlmcp's everything server on HTTP; answers `sample` with its memory after GC. */
async function serveInChild(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  // Keeps nothing, so no answer outlives its request: resumption off, the rest of the path unchanged.
  const keepNothing: EventStore = {
    append: (_session, streamId) => `${streamId}.1`,
    replay: () => undefined,
    forget: () => {},
  };
  const handle = await serveHttp(createServer(benchServerOptions()), {
    port: 0,
    responseMode: values.mode as 'json' | 'sse',
    ...(values['keep-nothing'] ? { eventStore: keepNothing } : {}),
  });
  process.on('message', async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const sample: Sample = {
      rss,
      heapUsed,
      heapTotal,
      external,
      arrayBuffers,
      newSpace: newSpace?.space_size ?? 0,
    };
    process.send!(sample);
  });
  process.once('disconnect', () => process.exit(0)); // the generator is gone: so is its server
  process.send!({ url: handle.url });
}

async function measure(): Promise<void> {
  const total = values.quick ? 20_000 : Number(values.requests);
  const sessions = values.quick ? 30 : Number(values.sessions);
  const callsPerSession = MAX_STREAMS_PER_SESSION + 44;
  const variants = [
    { name: 'json', args: ['--mode', 'json'], v8: [] },
    { name: 'sse', args: ['--mode', 'sse'], v8: [] },
    { name: 'sse, EventStore keeps nothing', args: ['--mode', 'sse', '--keep-nothing'], v8: [] },
    { name: 'sse, --max-semi-space-size=8', args: ['--mode', 'sse'], v8: ['--max-semi-space-size=8'] },
  ];
  console.log(
    `sse session memory: ${total.toLocaleString('en-US')} sequential tools/call (echo) in one 2025-11-25 session, then ${sessions} sessions × ${callsPerSession} calls; server alone in a child process, figures after forced GC (MiB); lean node:http generator, one keep-alive connection`,
  );
  const summary: string[] = [];
  for (const variant of variants) {
    const server = await startChild([...variant.args], variant.v8);
    const client = new SessionClient(server.url);
    await client.open();
    await client.calls(2_000); // warm-up: JIT, caches, the event store filled to its cap
    const samples = [await server.sample()];
    const tenth = Math.ceil(total / 10);
    for (let done = 0; done < total; done += tenth) {
      await client.calls(Math.min(tenth, total - done));
      samples.push(await server.sample());
    }
    console.log(`\n  ${variant.name}`);
    console.log('     calls    rss  heapUsed heapTotal newSpace external arrayBuffers');
    const widths = [6, 9, 9, 8, 8, 12];
    samples.forEach((sample, i) => {
      const figures = [sample.rss, sample.heapUsed, sample.heapTotal, sample.newSpace, sample.external];
      const cells = [...figures, sample.arrayBuffers].map((bytes, j) => mib(bytes).padStart(widths[j]!));
      console.log(`  ${String(Math.min(i * tenth, total)).padStart(8)} ${cells.join(' ')}`);
    });
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const growth = (field: keyof Sample) => `${field} ${signed(last[field] - first[field])}`;

    // Many sessions: what one holds once it has answered more calls than the store keeps streams.
    const others = Array.from({ length: sessions }, () => new SessionClient(server.url));
    for (const other of others) await other.open();
    const before = await server.sample();
    for (const other of others) await other.calls(callsPerSession);
    const after = await server.sample();
    const perSession = (after.heapUsed - before.heapUsed) / sessions / 1024;
    summary.push(
      `  ${variant.name.padEnd(30)} one session: ${['rss', 'heapUsed', 'newSpace', 'external', 'arrayBuffers'].map((f) => growth(f as keyof Sample)).join(', ')}; heap per session ${perSession.toFixed(1)} KiB; ${client.errors + others.reduce((sum, o) => sum + o.errors, 0)} errors`,
    );
    client.close();
    for (const other of others) other.close();
    await server.stop();
  }
  console.log(`\n  growth from warm-up to the end (MiB):\n${summary.join('\n')}`);
}

/** The server child: its URL, memory samples on request, and a stop that waits for the exit. */
async function startChild(args: string[], v8Flags: string[]) {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', ...args], {
    execArgv: ['--expose-gc', ...v8Flags],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T>() =>
    new Promise<T>((resolve) => child.once('message', (message) => resolve(message as T)));
  const { url } = await next<{ url: string }>();
  return {
    url,
    sample: () => {
      const answer = next<Sample>();
      child.send('sample');
      return answer;
    },
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One 2025 session over one keep-alive connection, one request at a time. */
class SessionClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  #headers: Record<string, string> = ACCEPT;
  #id = 0;
  errors = 0;

  constructor(private readonly url: string) {}

  async open(): Promise<void> {
    const init = await this.#post(INITIALIZE_2025);
    this.#headers = {
      ...ACCEPT,
      'mcp-session-id': String(init.headers['mcp-session-id']),
      'mcp-protocol-version': '2025-11-25',
    };
    await this.#post('{"jsonrpc":"2.0","method":"notifications/initialized"}');
  }

  async calls(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const { text } = await this.#post(
        `{"jsonrpc":"2.0","id":${++this.#id},"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}`,
      );
      if (!text.includes('"result"')) this.errors++;
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  #post(body: string): Promise<{ headers: IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method: 'POST', agent: this.#agent, headers: this.#headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.once('end', () => resolve({ headers: res.headers, text }));
      });
      req.once('error', reject);
      req.end(body);
    });
  }
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;
}

// Last: the class above must be initialised before either side runs.
if (values.serve) await serveInChild();
else await measure();
