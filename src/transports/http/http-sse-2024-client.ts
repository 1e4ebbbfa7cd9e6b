import { encodeMessage } from '../../jsonrpc/encode.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import type { RequestId } from '../../protocol/types.js';
import { SseParser } from '../framing/sse-parser.js';
import { parseJsonText } from './http-answer.js';

/** What the channel needs of the Streamable HTTP transport it serves as a fallback for. */
export interface HttpSse2024Host {
  readonly url: URL;
  /** Aborted when the transport closes (ends the SSE stream). */
  readonly signal: AbortSignal;
  readonly headers: Record<string, string> | undefined;
  /** One HTTP request, authenticated as the transport's others are. */
  send(url: URL, init: RequestInit & { headers: Record<string, string> }): Promise<Response>;
  deliver(value: unknown): void;
  deliverError(id: RequestId, status: number): void;
  failRequest(id: RequestId, error: unknown): void;
  /** The SSE stream ended after it had opened: the connection is gone. */
  ended(): void;
}

/**
 * The client side of the deprecated 2024-11-05 HTTP+SSE transport: a GET opens the SSE stream, whose
 * first `endpoint` event names where to POST; every answer then comes on the stream.
 */
export class HttpSse2024Channel {
  #postUrl: URL | undefined;

  constructor(private readonly host: HttpSse2024Host) {}

  /** Opens the stream; true once the server named its POST endpoint, false if this is not such a server. */
  async connect(): Promise<boolean> {
    const host = this.host;
    let response: Response;
    try {
      response = await host.send(host.url, {
        method: 'GET',
        headers: { accept: 'text/event-stream', ...host.headers },
        signal: host.signal,
      });
    } catch {
      return false;
    }
    if (
      !response.ok ||
      !(response.headers.get('content-type') ?? '').includes('text/event-stream') ||
      !response.body
    ) {
      await response.body?.cancel();
      return false;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const parser = new SseParser((event) => {
        if (event.event === 'endpoint' && !settled) {
          settled = true;
          this.#postUrl = new URL(event.data, host.url);
          resolve(true);
        } else if ((event.event === undefined || event.event === 'message') && event.data) {
          const value = parseJsonText(event.data);
          if (value !== undefined) host.deliver(value);
        }
      });
      void (async () => {
        try {
          for (;;) {
            const chunk = await reader.read();
            if (chunk.done) break;
            parser.push(chunk.value);
          }
        } catch {
          // The stream ended: the connection is gone.
        }
        if (!settled) resolve(false);
        else host.ended();
      })();
    });
  }

  async post(message: JsonRpcMessage): Promise<void> {
    const host = this.host;
    const id = 'id' in message && 'method' in message ? message.id : undefined;
    try {
      const response = await host.send(this.#postUrl as URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...host.headers },
        body: encodeMessage(message),
      });
      await response.body?.cancel();
      if (!response.ok && id !== undefined) host.deliverError(id, response.status);
    } catch (error) {
      if (id !== undefined) host.failRequest(id, error);
    }
  }
}
