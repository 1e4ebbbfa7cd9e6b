import { spawn } from 'node:child_process';
import { type CpuShare, startCpuWindow } from './cpu.js';

export interface StdioTarget {
  name: string;
  command: string;
  args: string[];
  /** 'legacy' initializes a 2025 session first; 'modern' sends 2026 `_meta` on every request. */
  era: 'legacy' | 'modern';
}

export interface LoadResult {
  messages: number;
  seconds: number;
  rate: number;
  errors: number;
  /** This process's CPU (the generator runs here) and the server's, over the measured window. */
  generatorCpu: CpuShare;
  serverCpu: CpuShare;
}

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
};

/**
 * A lean load generator (not the erlmcp client, which would be the bottleneck): pre-encoded
 * ndjson `tools/call` lines written with a bounded window of requests in flight.
 */
/** The id of an answer line, read without parsing it (the generator's own cost stays small). */
function idOf(line: string): number {
  const at = line.indexOf('"id":') + 5;
  return Number.parseInt(line.slice(at, at + 12), 10);
}

export async function runStdioLoad(
  target: StdioTarget,
  total: number,
  window: number,
  warmup = Math.min(20_000, Math.ceil(total / 5)),
): Promise<LoadResult> {
  const child = spawn(target.command, target.args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  let received = 0;
  let errors = 0;
  let onResponse: (id: number) => void = () => {};
  // Counting answers must not cost more than the server's work, or the bench measures itself: a
  // line is an answer if it carries an id, and only a line that mentions "error" is parsed (so an
  // error is always seen). Every target is read the same way.
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let start = 0;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(start, newline);
      start = newline + 1;
      newline = buffered.indexOf('\n', start);
      if (line.length === 0) continue;
      if (line.includes('"error"')) {
        const message = JSON.parse(line) as { id?: number; error?: unknown };
        if (message.id === undefined) continue;
        if (message.error) errors++;
        onResponse(message.id);
      } else if (line.includes('"id":')) {
        onResponse(idOf(line));
      }
    }
    buffered = buffered.slice(start);
  });
  const waitFor = (id: number) =>
    new Promise<void>((resolve) => {
      onResponse = (got) => {
        if (got === id) resolve();
      };
    });
  const params = {
    name: 'echo',
    arguments: { message: 'hello' },
    ...(target.era === 'modern' ? { _meta: MODERN_META } : {}),
  };
  // The clock starts once the server has answered: a 2025 server's initialize, a 2026 server's first
  // call (without it, a 2026 run timed the process's start-up and module loading too).
  const ready = waitFor(0);
  if (target.era === 'legacy') {
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
    await ready;
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  } else {
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'tools/call', params })}\n`);
    await ready;
  }
  // Requests are bytes spliced around the id: building and encoding a string per request made the
  // generator, not the server, the bottleneck for the larger 2026 requests.
  const head = Buffer.from('{"jsonrpc":"2.0","id":');
  const tail = Buffer.from(`,"method":"tools/call","params":${JSON.stringify(params)}}\n`);
  const batchOf = (first: number, last: number) => {
    const batch = Buffer.allocUnsafe((last - first + 1) * (head.length + tail.length + 10));
    let at = 0;
    for (let id = first; id <= last; id++) {
      at += head.copy(batch, at);
      at += batch.write(String(id), at, 'latin1');
      at += tail.copy(batch, at);
    }
    return batch.subarray(0, at);
  };
  // Ids keep growing across the warm-up and the measured run, so every request is distinct.
  let sent = 0;
  const pipeline = (count: number) =>
    new Promise<void>((resolve) => {
      const last = sent + count;
      let answered = 0;
      const sendMore = () => {
        const first = sent + 1;
        while (sent < last && sent - received < window) sent++;
        if (sent >= first) child.stdin.write(batchOf(first, sent));
      };
      onResponse = () => {
        received++;
        if (++answered === count) resolve();
        else if (sent - received <= window / 2) sendMore();
      };
      sendMore();
    });
  // Steady state is what is compared: the same process first serves a warm-up share, so the JIT's
  // first compilations land outside the measured window for every target alike.
  await pipeline(warmup);
  const started = process.hrtime.bigint();
  const cpu = startCpuWindow(child.pid);
  await pipeline(total);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const measured = cpu.stop();
  child.stdin.end();
  await new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  return {
    messages: total,
    seconds,
    rate: total / seconds,
    errors,
    generatorCpu: measured.self,
    serverCpu: measured.server,
  };
}
