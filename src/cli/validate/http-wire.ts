import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SseParser } from '../../transports/framing/sse-parser.js';
import { type Exchange, isRecord, REPLY_TIMEOUT_MS, type Reply, type Wire } from './wire.js';

const BASE_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/**
 * A Wire of plain POSTs (node:http), so status codes and headers are seen as sent: JSON bodies and
 * SSE streams are both read until the response to the request's id.
 */
export class HttpWire implements Wire {
  readonly isHttp = true;
  readonly #secure: boolean;
  readonly #agent: HttpAgent;

  constructor(private readonly url: URL) {
    this.#secure = url.protocol === 'https:';
    this.#agent = this.#secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  request(message: Record<string, unknown>, exchange: Exchange = {}): Promise<Reply> {
    return this.#post(JSON.stringify(message), headersOf(exchange), message.id);
  }

  notify(message: Record<string, unknown>, exchange: Exchange = {}): Promise<Reply> {
    return this.#post(JSON.stringify(message), headersOf(exchange), undefined);
  }

  raw(body: string, headers: Record<string, string>): Promise<Reply> {
    return this.#post(body, { ...BASE_HEADERS, ...headers }, undefined);
  }

  /** 2026 over HTTP: closing the request's stream is the cancellation. */
  async abandon(message: Record<string, unknown>, exchange: Exchange = {}): Promise<void> {
    const req = this.#send(headersOf(exchange));
    req.on('error', () => {});
    req.end(JSON.stringify(message));
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  #send(headers: Record<string, string>) {
    const send = this.#secure ? httpsRequest : httpRequest;
    return send(this.url, { method: 'POST', headers, agent: this.#agent });
  }

  #post(body: string, headers: Record<string, string>, id: unknown): Promise<Reply> {
    return new Promise((resolve) => {
      const req = this.#send(headers);
      const timer = setTimeout(() => {
        req.destroy();
        resolve({ missing: 'timeout' });
      }, REPLY_TIMEOUT_MS);
      const done = (reply: Reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      req.once('error', () => done({ missing: 'closed' }));
      req.once('response', (res) => readResponse(res, id, done));
      req.end(body);
    });
  }
}

function headersOf(exchange: Exchange): Record<string, string> {
  const headers = { ...BASE_HEADERS, ...exchange.headers };
  for (const name of exchange.omitHeaders ?? []) delete headers[name.toLowerCase()];
  return headers;
}

/** Reads a JSON body whole, or an SSE stream up to the event answering `id`. */
function readResponse(res: IncomingMessage, id: unknown, done: (reply: Reply) => void): void {
  let body = '';
  let settled = false;
  const http = () => ({ status: res.statusCode ?? 0, headers: res.headers, body });
  const finish = (response: Record<string, unknown> | undefined) => {
    if (settled) return;
    settled = true;
    done(response ? { response, http: http() } : { http: http() });
  };
  const sse = /^text\/event-stream/i.test(res.headers['content-type'] ?? '');
  const parser = new SseParser((event) => {
    const message = parseJson(event.data);
    if (isRecord(message) && message.method === undefined && message.id === id) {
      finish(message);
      res.destroy();
    }
  });
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
    if (sse) parser.push(chunk);
  });
  res.once('error', () => finish(undefined));
  res.once('close', () => {
    const message = sse ? undefined : parseJson(body);
    finish(isRecord(message) && ('result' in message || 'error' in message) ? message : undefined);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
