import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/** The part of a fetch `Response` the HTTP client transport reads; a `Response` is one. */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface HttpRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A keep-alive agent for one server's origin (idle sockets do not hold the process open). */
export function keepAliveAgent(url: URL): HttpAgent {
  return url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
}

/**
 * One request with `node:http(s)` on a keep-alive agent. The transport's POSTs go this way unless it
 * was given its own `fetch` or `auth`: on Node 20 a fetch round trip cost ~430 µs of CPU against
 * ~60 µs here (undici's fetch builds web streams, abort signals and header lists per request), which
 * made a gateway relaying calls over HTTP spend 7× more on its client side than on its server side.
 */
export function nodeHttpRequest(agent: HttpAgent, url: URL, init: HttpRequestInit): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers =
      init.body === undefined
        ? init.headers
        : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    const request = send(
      url,
      { method: init.method, headers, agent, ...(init.signal ? { signal: init.signal } : {}) },
      (response) => resolve(new NodeHttpAnswer(response)),
    );
    request.once('error', reject);
    request.end(init.body);
  });
}

/** Throws an unread body away; a keep-alive socket stays usable (cancelling a web stream would destroy it). */
export async function discardBody(answer: HttpAnswer): Promise<void> {
  if (answer instanceof NodeHttpAnswer) answer.discard();
  else await answer.body?.cancel();
}

class NodeHttpAnswer implements HttpAnswer {
  #body: ReadableStream<Uint8Array> | undefined;
  readonly headers = {
    get: (name: string): string | null => {
      const value = this.response.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };

  constructor(private readonly response: IncomingMessage) {}

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): Promise<string> {
    const response = this.response;
    return new Promise((resolve, reject) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.once('end', () => resolve(text));
      response.once('error', reject);
      response.once('close', () => {
        if (!response.complete) reject(new Error('The HTTP response ended before its body'));
      });
    });
  }

  discard(): void {
    this.response.resume();
  }

  /** The body as a web stream, built only when read that way (an SSE answer). */
  get body(): ReadableStream<Uint8Array> {
    this.#body ??= Readable.toWeb(this.response) as unknown as ReadableStream<Uint8Array>;
    return this.#body;
  }
}
