import { type ChildProcess, spawn } from 'node:child_process';
import { DEFAULT_MAX_MESSAGE_BYTES, type MessageSink, type Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { NdjsonDecoder } from '../framing/ndjson.js';
import { WriteCoalescer } from '../framing/write-coalescer.js';

export interface StdioClientTransportOptions {
  command: string;
  args?: string[];
  cwd?: string;
  /** Environment of the server; default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** What happens to the server's stderr: shown on ours (default), piped to `onStderr`, or dropped. */
  stderr?: 'inherit' | 'pipe' | 'ignore';
  onStderr?: (chunk: string) => void;
  maxMessageBytes?: number;
  /** Shutdown: wait this long after closing stdin before SIGTERM, and again before SIGKILL. Default 2 s. */
  shutdownGraceMs?: number;
}

/**
 * Client side of stdio: spawns the server, speaks ndjson over its stdin/stdout, and shuts it down
 * the way the spec asks: close stdin, wait, SIGTERM, wait, SIGKILL.
 */
export class StdioClientTransport implements Transport {
  #child: ChildProcess | undefined;
  #sink: MessageSink | undefined;
  #closed = false;
  #exited: Promise<void> = Promise.resolve();
  readonly #writer = new WriteCoalescer((chunk) => {
    if (this.#child?.stdin?.writable) this.#child.stdin.write(chunk);
  });

  constructor(private readonly options: StdioClientTransportOptions) {}

  get serverKey(): string {
    return `stdio:${[this.options.command, ...(this.options.args ?? [])].join(' ')}`;
  }

  /** The server's process id, once started. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(sink: MessageSink): void {
    this.#sink = sink;
    const { command, args = [], cwd, env, stderr = 'inherit' } = this.options;
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['pipe', 'pipe', stderr],
      windowsHide: true,
    });
    this.#child = child;
    const decoder = new NdjsonDecoder({
      maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      onMessage: (value) => sink.onMessage(value),
      onFrameError: (error) => sink.onFrameError(error),
    });
    child.stdout?.on('data', (chunk: Buffer) => decoder.push(chunk));
    child.stdout?.once('end', () => decoder.end());
    if (stderr === 'pipe') {
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => this.options.onStderr?.(chunk));
    }
    // EPIPE on a server that died is reported through 'exit'; do not crash on it.
    child.stdin?.on('error', () => {});
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        this.#finish(
          this.#closed
            ? undefined
            : new ErlmcpError(
                'ERR_CONNECTION_CLOSED',
                `Server process exited (${signal ?? `code ${String(code)}`})`,
              ),
        );
      });
      child.once('error', (error) => {
        resolve();
        this.#finish(
          new ErlmcpError('ERR_CONNECTION_CLOSED', `Cannot start ${command}: ${error.message}`, {
            cause: error,
          }),
        );
      });
    });
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed || !this.#child?.stdin?.writable) {
      throw new ErlmcpError('ERR_CONNECTION_CLOSED', 'stdio transport is closed');
    }
    this.#writer.push(message);
  }

  /** Closes stdin, then escalates to SIGTERM and SIGKILL if the server lingers. Idempotent. */
  async close(): Promise<void> {
    const child = this.#child;
    if (this.#closed) return this.#exited;
    this.#writer.flush();
    this.#closed = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.#finish(undefined);
      return;
    }
    const grace = this.options.shutdownGraceMs ?? 2000;
    child.stdin?.end();
    if (!(await this.#exitWithin(grace))) {
      child.kill('SIGTERM');
      if (!(await this.#exitWithin(grace))) {
        child.kill('SIGKILL');
        await this.#exited;
      }
    }
    this.#finish(undefined);
  }

  async #exitWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = await Promise.race([this.#exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return exited;
  }

  #finish(error: Error | undefined): void {
    const sink = this.#sink;
    if (!sink) return;
    this.#sink = undefined;
    this.#closed = true;
    sink.onClose(error);
  }
}
