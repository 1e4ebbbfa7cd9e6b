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
 * A lean load generator (not the erlmcp client, which would be the bottleneck): pre-serialized
 * ndjson `tools/call` lines written with a bounded window of requests in flight.
 */
export async function runStdioLoad(target: StdioTarget, total: number, window: number): Promise<LoadResult> {
  const child = spawn(target.command, target.args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  let received = 0;
  let errors = 0;
  let onResponse: (id: number) => void = () => {};
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line.length === 0) continue;
      const message = JSON.parse(line) as { id?: number; error?: unknown };
      if (message.id === undefined) continue;
      if (message.error) errors++;
      onResponse(message.id);
    }
  });
  const waitFor = (id: number) =>
    new Promise<void>((resolve) => {
      onResponse = (got) => {
        if (got === id) resolve();
      };
    });
  if (target.era === 'legacy') {
    const ready = waitFor(0);
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
    await ready;
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }
  const params = {
    name: 'echo',
    arguments: { message: 'hello' },
    ...(target.era === 'modern' ? { _meta: MODERN_META } : {}),
  };
  const paramsJson = JSON.stringify(params);
  const line = (id: number) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${paramsJson}}\n`;
  const started = process.hrtime.bigint();
  const cpu = startCpuWindow(child.pid);
  await new Promise<void>((resolve) => {
    let sent = 0;
    const sendMore = () => {
      let batch = '';
      while (sent < total && sent - received < window) batch += line(++sent);
      if (batch) child.stdin.write(batch);
    };
    onResponse = () => {
      received++;
      if (received === total) resolve();
      else if (sent - received <= window / 2) sendMore();
    };
    sendMore();
  });
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
