import type { AuthInfo } from '../core/auth-info.js';
import type { JsonRpcNotification } from '../jsonrpc/message.js';
import type {
  ClientCapabilities,
  Implementation,
  LoggingLevel,
  ProgressToken,
  RequestId,
  SubscriptionFilter,
} from '../protocol/types.js';
import type { Era } from '../protocol/versions.js';

/** State of one 2025-era session: a small plain record, serializable for a SessionStore. */
export interface SessionRecord {
  id: string;
  protocolVersion: string;
  clientInfo: Implementation | undefined;
  clientCapabilities: ClientCapabilities;
  /** Set by `logging/setLevel`; unset means every level is sent. */
  logLevel: LoggingLevel | undefined;
  initialized: boolean;
  /** URIs subscribed with `resources/subscribe`. */
  subscriptions: Set<string>;
}

/** How the core talks back to the peer that sent a request; each transport provides one. */
export interface PeerLink {
  /** A notification that belongs to the session, or to the request `relatedTo` (progress, log). */
  notify(message: JsonRpcNotification, relatedTo?: RequestId): void;
  /** A real server→client request (2025 era only). */
  request(
    method: string,
    params: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<Record<string, unknown>>;
  /** Ends the HTTP response carrying `relatedTo`'s stream; the client resumes it (2025 HTTP only). */
  closeStream?(relatedTo: RequestId): void;
}

/** Everything the core knows about one incoming request. */
export interface Exchange {
  readonly id: RequestId;
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly era: Era;
  readonly protocolVersion: string;
  readonly clientInfo: Implementation | undefined;
  readonly clientCapabilities: ClientCapabilities;
  /** 2026: `_meta` logLevel (absent = no log notifications). 2025: read from the session. */
  readonly logLevel: LoggingLevel | undefined;
  readonly progressToken: ProgressToken | undefined;
  readonly principal: string | undefined;
  /** The request's verified credentials (OAuth), when the transport checked any. */
  readonly auth: AuthInfo | undefined;
  readonly session: SessionRecord | undefined;
  /** Aborted on cancellation, timeout or shutdown; created on first access. */
  readonly signal: AbortSignal;
  /** Same as `signal.aborted` without creating the signal. */
  readonly aborted: boolean;
  /** Calls `listener` once on abort, without creating the signal; returns the removal. */
  onAbort(listener: (reason: unknown) => void): () => void;
  readonly link: PeerLink;
  /** Progress arrived: the request's idle timeout restarts (up to its hard maximum). */
  touch(): void;
  /** The same request seen by work that outlives it (a task), with its own signal. */
  withSignal(signal: AbortSignal): Exchange;
}

/** A live `subscriptions/listen` stream (2026). */
export interface ListenSubscription {
  readonly id: RequestId;
  readonly filter: SubscriptionFilter;
  readonly link: PeerLink;
}
