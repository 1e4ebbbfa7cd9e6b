import type { JsonRpcMessage } from '../jsonrpc/message.js';
import type { RequestId } from '../protocol/types.js';

/** Why a frame could not become a message. The core answers with -32700 or -32600 and goes on. */
export type FrameErrorKind = 'invalid_json' | 'invalid_utf8' | 'message_too_large';

export interface FrameError {
  kind: FrameErrorKind;
  message: string;
}

/** Where a transport delivers what it reads. */
export interface MessageSink {
  /** One parsed JSON value, not yet checked to be JSON-RPC. */
  onMessage(value: unknown): void;
  /** A frame that could not be parsed; the stream goes on. */
  onFrameError(error: FrameError): void;
  /**
   * A request the transport could not carry, or whose answer cannot arrive (a network failure of
   * its HTTP POST): the caller gets a local error — a transport failure, not a server's answer.
   */
  onRequestFailed?(id: RequestId, error: Error): void;
  /** The transport is gone (peer closed, I/O error, or `close()`); called once. */
  onClose(error?: Error): void;
}

/**
 * The contract every message-stream transport fills (stdio, memory, WebSocket, TCP):
 * it only moves whole JSON-RPC messages and translates framing.
 */
export interface Transport {
  start(sink: MessageSink): void;
  /** Queues one message; throws ErlmcpError('ERR_CONNECTION_CLOSED') once closed. */
  send(message: JsonRpcMessage): void;
  /** Flushes what is queued and closes; idempotent. */
  close(): Promise<void>;
  /** Names the server at the other end (stdio: its command line), so a client can remember its era. */
  readonly serverKey?: string;
  /** What carries the messages (`stdio`, `tcp`, `ws`, …), for metrics and logs. */
  readonly kind?: string;
}

/** Named default for the largest message a transport accepts (4 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
