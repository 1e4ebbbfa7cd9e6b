import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ChunkedDecoder } from './chunked-decoder.js';
import type { HttpAnswer, HttpRequestInit } from './http-answer.js';
import { RawAnswer } from './raw-answer.js';

/** Named limit: the largest response head (status line and headers) a server may send. */
export const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;

/**
 * HTTP/1.1 keep-alive connections to one origin, for the client transport's POSTs: one request per
 * socket at a time (no pipelining), sockets reused while the server keeps them open. Written for the
 * hot path of a gateway relaying calls: `node:http`'s ClientRequest, agent bookkeeping and abort
 * wiring cost ~100 µs of CPU per round trip; this writes one buffer and parses the answer in place.
 * Bodies are framed by Content-Length or chunked encoding (SSE answers stream chunk by chunk).
 */
export class RawHttpPool {
  readonly #idle: Socket[] = [];
  readonly #all = new Set<Socket>();
  readonly #host: string;
  readonly #port: number;
  readonly #secure: boolean;
  #closed = false;

  constructor(private readonly url: URL) {
    this.#secure = url.protocol === 'https:';
    this.#host = url.hostname.replace(/^\[|\]$/g, '');
    this.#port = Number(url.port) || (this.#secure ? 443 : 80);
  }

  request(init: HttpRequestInit): Promise<HttpAnswer> {
    if (this.#closed) return Promise.reject(new Error('The HTTP connection pool is closed'));
    let head: string;
    try {
      head = requestHead(this.url, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const bytes = init.body === undefined ? head : head + init.body;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const send = (socket: Socket, retry: (() => void) | undefined) => {
        const exchange = new RawExchange(socket, init.method === 'HEAD', resolve, reject, retry, (reusable) =>
          this.#release(socket, reusable),
        );
        if (init.signal) exchange.follow(init.signal);
        socket.write(bytes);
      };
      const idle = this.#idle.pop();
      // A kept socket the server closed in the meantime fails before any answer: once more on a new one.
      if (idle) send(idle, () => send(this.#open(), undefined));
      else send(this.#open(), undefined);
    });
  }

  /** Destroys every socket, idle or busy (their answers fail). */
  close(): void {
    this.#closed = true;
    for (const socket of this.#all) socket.destroy();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #open(): Socket {
    const socket = this.#secure
      ? tlsConnect({
          host: this.#host,
          port: this.#port,
          servername: this.#host,
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host: this.#host, port: this.#port });
    socket.setNoDelay(true);
    this.#all.add(socket);
    socket.once('close', () => {
      this.#all.delete(socket);
      const at = this.#idle.indexOf(socket);
      if (at >= 0) this.#idle.splice(at, 1);
    });
    // An idle socket the server closes (or that errors) just goes away; a busy one fails its exchange.
    socket.on('error', () => {});
    return socket;
  }

  #release(socket: Socket, reusable: boolean): void {
    if (!reusable || this.#closed || socket.destroyed) {
      socket.destroy();
      return;
    }
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    this.#idle.push(socket);
  }
}

function requestHead(url: URL, init: HttpRequestInit): string {
  let head = `${init.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const name in init.headers) {
    const value = init.headers[name] as string;
    if (!HEADER_NAME.test(name) || HEADER_VALUE_FORBIDDEN.test(value))
      throw new TypeError(`Invalid HTTP header ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  if (init.body !== undefined) head += `content-length: ${Buffer.byteLength(init.body)}\r\n`;
  return `${head}\r\n`;
}

type Framing = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

/** One request's answer read off a socket: the head first, then the body as framed. */
class RawExchange {
  #head: Buffer | undefined = Buffer.alloc(0);
  #answer: RawAnswer | undefined;
  #framing: Framing = { kind: 'none' };
  #chunked = new ChunkedDecoder();
  #settled = false;
  #keepAlive = true;
  /** Some byte of the answer arrived (after that, a retry could repeat a request the server took). */
  #heard = false;
  readonly #onData = (chunk: Buffer) => this.#data(chunk);
  readonly #onEnd = () => this.#fail(new Error('The server closed the connection'), true);
  readonly #onClose = () => this.#fail(new Error('The connection closed before the answer ended'), true);
  #unfollow: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly headOnly: boolean,
    private readonly resolve: (answer: HttpAnswer) => void,
    private readonly reject: (error: Error) => void,
    /** Sends the request again on a fresh socket (a reused one that died before answering). */
    private readonly retry: (() => void) | undefined,
    private readonly release: (reusable: boolean) => void,
  ) {
    socket.on('data', this.#onData);
    socket.once('end', this.#onEnd);
    socket.once('close', this.#onClose);
    socket.once('error', (error) => this.#fail(error, false));
  }

  /** Aborting the request fails it (an AbortError, as fetch does) and drops the socket. */
  follow(signal: AbortSignal): void {
    const abort = () => {
      const error = new DOMException('This operation was aborted', 'AbortError');
      this.#fail(error, false);
      this.socket.destroy();
    };
    if (signal.aborted) {
      queueMicrotask(abort);
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    this.#unfollow = () => signal.removeEventListener('abort', abort);
  }

  #data(chunk: Buffer): void {
    this.#heard = true;
    if (this.#head !== undefined) {
      const buffered = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_RESPONSE_HEAD_BYTES)
          this.#fail(new Error('The response head is too large'), false);
        else this.#head = buffered;
        return;
      }
      this.#head = undefined;
      if (!this.#readHead(buffered.toString('latin1', 0, end))) {
        // A 1xx interim answer: the real head follows.
        this.#head = Buffer.alloc(0);
        if (buffered.length > end + 4) this.#data(buffered.subarray(end + 4));
        return;
      }
      this.#body(buffered.subarray(end + 4));
      return;
    }
    this.#body(chunk);
  }

  /** Parses the status line and headers; false for a 1xx answer. */
  #readHead(text: string): boolean {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!status) {
      this.#fail(
        new Error(`Not an HTTP/1.1 answer: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`),
        false,
      );
      return true;
    }
    const code = Number(status[1]);
    if (code >= 100 && code < 200) return false;
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers.get(name);
      headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
    this.#keepAlive =
      !/\bclose\b/i.test(headers.get('connection') ?? '') && lines[0]?.startsWith('HTTP/1.1') === true;
    const length = headers.get('content-length');
    if (this.headOnly || code === 204 || code === 304) this.#framing = { kind: 'none' };
    else if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) this.#framing = { kind: 'chunked' };
    else if (length !== undefined && /^\d+$/.test(length))
      this.#framing = { kind: 'length', left: Number(length) };
    else {
      this.#framing = { kind: 'close' };
      this.#keepAlive = false;
    }
    this.#answer = new RawAnswer(code, headers, () => this.#discard());
    this.#settled = true;
    this.resolve(this.#answer);
    if (this.#framing.kind === 'none' || (this.#framing.kind === 'length' && this.#framing.left === 0))
      this.#finish();
    return true;
  }

  #body(chunk: Buffer): void {
    const answer = this.#answer;
    if (!answer || chunk.length === 0) return;
    const framing = this.#framing;
    if (framing.kind === 'length') {
      const take = chunk.length > framing.left ? chunk.subarray(0, framing.left) : chunk;
      framing.left -= take.length;
      answer.push(take);
      if (framing.left === 0) this.#finish();
    } else if (framing.kind === 'chunked') {
      const done = this.#chunked.feed(chunk, (data) => answer.push(data));
      if (done === 'error') this.#fail(new Error('Malformed chunked encoding'), false);
      else if (done) this.#finish();
    } else if (framing.kind === 'close') answer.push(chunk);
  }

  #finish(): void {
    this.#detach();
    this.#answer?.end();
    this.release(this.#keepAlive);
  }

  /** The reader does not want the rest: a finished answer already freed the socket; else drop it. */
  #discard(): void {
    if (this.#answer?.ended) return;
    this.#detach();
    this.socket.destroy();
  }

  #fail(error: Error, closed: boolean): void {
    if (this.#answer?.ended) return;
    this.#detach();
    if (this.#framing.kind === 'close' && closed && this.#answer) {
      // Framed by the end of the connection: the close is the end of the body.
      this.#answer.end();
      return;
    }
    this.socket.destroy();
    if (!this.#settled && !this.#heard && this.retry && !(error instanceof DOMException)) {
      this.#settled = true;
      this.retry();
      return;
    }
    if (!this.#settled) {
      this.#settled = true;
      this.reject(error);
    } else this.#answer?.fail(error);
  }

  #detach(): void {
    this.socket.off('data', this.#onData);
    this.socket.off('end', this.#onEnd);
    this.socket.off('close', this.#onClose);
    this.socket.removeAllListeners('error');
    this.socket.on('error', () => {});
    this.#unfollow?.();
  }
}
