/**
 * Clients that send whatever they like, over the message-stream transports: one frame is one ndjson
 * line (TCP, stdio) or one WebSocket text frame. They record every message the server sends.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CLI } from '../support/everything-command.js';
import { BARE_MODERN_META } from '../support/server-harness.js';

/** One message from the server, as far as these tests read it. */
export interface Received {
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown> & { content?: { text?: string }[]; isError?: boolean };
  error?: { code: number; message: string; data?: unknown };
}

export abstract class RawPeer {
  readonly received: Received[] = [];
  /** The end of the connection: a WebSocket close code, the child's exit code, or null (TCP). */
  abstract readonly ended: Promise<number | null>;
  abstract get open(): boolean;
  /** One message's bytes with the transport's framing added (newline, text frame). */
  abstract frame(payload: string | Buffer): void;
  /** Bytes as they are, no framing: half-written messages. */
  abstract raw(bytes: string | Buffer): void;
  /** Gone without a goodbye: the socket destroyed, stdin closed. */
  abstract vanish(): void;
  /** Closes politely and waits for the end (bounded). */
  abstract close(): Promise<void>;

  send(message: object): void {
    this.frame(JSON.stringify(message));
  }

  /** A 2026 tools/call (stateless, `_meta` envelope); `meta` is merged over the bare envelope. */
  call(id: string | number, name: string, args: unknown = {}, meta: Record<string, unknown> = {}): void {
    this.send({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: args, _meta: { ...BARE_MODERN_META, ...meta } },
    });
  }

  /** Opens a 2025-11-25 session on this connection (initialize + initialized). */
  async initialize(capabilities: Record<string, unknown> = {}, id: string | number = 'init'): Promise<void> {
    this.send({
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'hostile', version: '1' } },
    });
    const answer = await this.reply(id);
    if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  /** Waits (bounded) until `count` messages have arrived since `from`, and returns them. */
  async next(count: number, from = 0, timeoutMs = 5000): Promise<Received[]> {
    await this.waitFor(
      () => this.received.length >= from + count,
      `${count} messages after #${from}`,
      timeoutMs,
    );
    return this.received.slice(from, from + count);
  }

  /** The first response (result or error) with this id, waited for (bounded). */
  async reply(id: unknown, timeoutMs = 5000): Promise<Received> {
    const find = () => this.received.find((message) => message.id === id && message.method === undefined);
    await this.waitFor(() => find() !== undefined, `a response to id ${JSON.stringify(id)}`, timeoutMs);
    return find()!;
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(`No ${what} within ${timeoutMs} ms; received ${summary(this.received)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  protected record(text: string): void {
    try {
      this.received.push(JSON.parse(text) as Received);
    } catch {
      this.received.push({ error: { code: 0, message: `not JSON from the server: ${text.slice(0, 200)}` } });
    }
  }
}

function summary(messages: Received[]): string {
  return JSON.stringify(messages).slice(0, 1500);
}

/** Splits an ndjson byte stream into messages (the server only ever writes whole UTF-8 lines). */
function lineReader(onLine: (line: string) => void): (chunk: Buffer) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) onLine(line);
  };
}

export class TcpPeer extends RawPeer {
  readonly ended: Promise<number | null>;
  readonly #socket: Socket;
  readonly connected: Promise<void>;

  constructor(url: string) {
    super();
    const { hostname, port } = new URL(url);
    this.#socket = connect(Number(port), hostname);
    this.#socket.on(
      'data',
      lineReader((line) => this.record(line)),
    );
    this.#socket.on('error', () => {});
    this.ended = new Promise((resolve) => this.#socket.once('close', () => resolve(null)));
    this.connected = new Promise((resolve, reject) => {
      this.#socket.once('connect', () => resolve());
      this.#socket.once('error', reject);
    });
  }

  get open(): boolean {
    return !this.#socket.destroyed && this.#socket.readyState === 'open';
  }

  frame(payload: string | Buffer): void {
    this.#socket.write(Buffer.concat([Buffer.from(payload), Buffer.from('\n')]));
  }

  raw(bytes: string | Buffer): void {
    this.#socket.write(bytes);
  }

  /** Half-closes (FIN): the server reads the end of input. */
  end(): void {
    this.#socket.end();
  }

  vanish(): void {
    this.#socket.destroy();
  }

  async close(): Promise<void> {
    this.#socket.destroy();
    await this.ended;
  }
}

export class WsPeer extends RawPeer {
  readonly ended: Promise<number | null>;
  readonly ws: WebSocket;
  readonly connected: Promise<void>;

  constructor(url: string) {
    super();
    this.ws = new WebSocket(url, ['mcp']);
    this.ws.on('message', (data) => this.record(String(data)));
    this.ws.on('error', () => {});
    this.ended = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
    this.connected = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  frame(payload: string | Buffer): void {
    this.ws.send(payload, { binary: false });
  }

  /** Straight onto the TCP socket under the WebSocket: a frame the client never finishes. */
  raw(bytes: string | Buffer): void {
    (this.ws as unknown as { _socket: Socket })._socket.write(bytes);
  }

  vanish(): void {
    this.ws.terminate();
  }

  async close(): Promise<void> {
    this.ws.terminate();
    await this.ended;
  }
}

const FIXTURE = fileURLToPath(new URL('./fixtures/hostile-server.mjs', import.meta.url));

/** `erlmcp serve <fixture> --transport stdio` as a child process: one process is one connection. */
export class StdioPeer extends RawPeer {
  readonly ended: Promise<number | null>;
  readonly child: ChildProcessWithoutNullStreams;
  #stderr = '';

  constructor() {
    super();
    if (!existsSync(CLI)) throw new Error(`Built files missing (${CLI}); run "npm run build" first`);
    this.child = spawn(process.execPath, [CLI, 'serve', FIXTURE, '--transport', 'stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // No shedding on event-loop delay: on a busy test machine it would turn expected answers into -32010.
      env: { ...process.env, ERLMCP_LIMITS_MAX_EVENT_LOOP_DELAY_MS: '0' },
    });
    this.child.stdout.on(
      'data',
      lineReader((line) => this.record(line)),
    );
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.child.stdin.on('error', () => {});
    this.ended = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The child's stderr so far (its diagnostics). */
  get stderr(): string {
    return this.#stderr;
  }

  get open(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.stdin.writable;
  }

  frame(payload: string | Buffer): void {
    this.child.stdin.write(Buffer.concat([Buffer.from(payload), Buffer.from('\n')]));
  }

  raw(bytes: string | Buffer): void {
    this.child.stdin.write(bytes);
  }

  /** Closes stdin: for a stdio server, the client is gone. */
  vanish(): void {
    this.child.stdin.end();
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.ended;
  }
}

/** Resolves with `promise`, or rejects after `ms` (every wait in this suite is bounded). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
