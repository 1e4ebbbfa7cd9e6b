import type { ServerResponse } from 'node:http';
import type { JsonRpcMessage, JsonRpcNotification } from '../../jsonrpc/message.js';
import type { RequestId } from '../../protocol/types.js';
import type { PeerLink } from '../../server/exchange.js';
import type { EventStore } from './event-store.js';
import type { HttpSession } from './http-session.js';
import { RequestResponder, type ResponseMode, type StreamOpener } from './request-responder.js';
import { SseStream, type SseStreamOptions, writeWholeStream } from './sse-stream.js';

/** What the links of one endpoint share. */
export interface SessionLinkSettings {
  mode: ResponseMode;
  streamLimits: Omit<SseStreamOptions, 'resumable'>;
  store: EventStore;
}

/**
 * A 2025 request's way back to the client: messages related to it go on its POST response (an SSE
 * stream, resumable, opened by the first one), others on the session's GET stream; server→client
 * requests travel on the response stream and are answered by later POSTs. One object per request,
 * no closures: this is on every 2025 POST.
 */
export class SessionRequestLink implements PeerLink, StreamOpener {
  readonly responder: RequestResponder;

  constructor(
    private readonly session: HttpSession,
    res: ServerResponse,
    private readonly settings: SessionLinkSettings,
  ) {
    this.responder = new RequestResponder(res, settings.mode, this);
  }

  openStream(): SseStream {
    const session = this.session;
    const stream = new SseStream(session.nextStreamId(), {
      ...this.settings.streamLimits,
      resumable: session.resumableIn(this.settings.store),
    });
    session.streams.set(stream.id, stream);
    return stream;
  }

  writeWhole(res: ServerResponse, headers: Readonly<Record<string, string>>, message: JsonRpcMessage): void {
    const { streamLimits, store } = this.settings;
    const session = this.session;
    writeWholeStream(
      res,
      headers,
      session.nextStreamId(),
      streamLimits.retryMs,
      session.resumableIn(store),
      message,
    );
  }

  notify(notification: JsonRpcNotification, relatedTo?: RequestId): void {
    if (relatedTo === undefined) this.session.standalone?.send(notification);
    else this.responder.send(notification);
  }

  request(
    method: string,
    params: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<Record<string, unknown>> {
    const outbound = this.session.outbound;
    const responder = this.responder;
    const id = outbound.nextId();
    const answer = outbound.track(id, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onCancel: (reason) =>
        responder.send({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: id, reason: String(reason) },
        }),
    });
    responder.send({ jsonrpc: '2.0', id, method, params });
    return answer;
  }

  closeStream(): void {
    this.responder.disconnect();
  }
}
