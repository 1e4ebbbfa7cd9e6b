import { createHash } from 'node:crypto';
import type { JsonRpcMessage } from '../jsonrpc/message.js';
import type { ClientCapabilities, Implementation, LoggingLevel, RequestId } from '../protocol/types.js';
import type { SessionRecord } from './exchange.js';
import type { RegistryKind } from './registry.js';
import type { TaskStore } from './tasks/task-store.js';

/**
 * A 2025 session as every node of a cluster can rebuild it: what `initialize` settled and what the
 * client changed since. The principal is kept as a digest: a node compares, it never needs the name.
 */
export interface SharedSession {
  readonly id: string;
  readonly protocolVersion: string;
  readonly clientInfo: Implementation | undefined;
  readonly clientCapabilities: ClientCapabilities;
  readonly logLevel: LoggingLevel | undefined;
  readonly initialized: boolean;
  readonly subscriptions: readonly string[];
  /** Digest of the principal that opened it ('' when unauthenticated). */
  readonly principalDigest: string;
}

/** What one node tells the others. Every node acts on it only for what it holds. */
export type ClusterMessage =
  /** A list changed (`tools`, `prompts`, `resources`) on the sender: every node tells its sessions. */
  | { readonly type: 'list-changed'; readonly kind: RegistryKind }
  /** `resources/updated` raised on the sender. */
  | { readonly type: 'resource-updated'; readonly uri: string }
  /** A session's state changed on the sender (setLevel, subscribe, initialized). */
  | { readonly type: 'session-changed'; readonly session: SharedSession }
  /** A session ended (DELETE) on the sender: every copy goes. */
  | { readonly type: 'session-ended'; readonly sessionId: string }
  /** The session's GET stream now lives on the sender: others drop theirs (without ending it). */
  | { readonly type: 'stream-moved'; readonly sessionId: string; readonly streamId: string }
  /** The client's answer to a server→client request the target node sent (id names the node). */
  | { readonly type: 'response'; readonly sessionId: string; readonly message: JsonRpcMessage }
  /**
   * A client resumed on the sender a request's stream that the target node writes: the target sends
   * the events after `after` (sequence number within the stream) and every later one to `node`.
   */
  | {
      readonly type: 'stream-follow';
      readonly sessionId: string;
      readonly streamId: string;
      readonly after: number;
      readonly node: string;
    }
  /**
   * Events of a followed stream, from the node writing it; `ended`: no more will come; `known`: it
   * still holds the stream from the event asked for (false: nothing there to resume).
   */
  | {
      readonly type: 'stream-events';
      readonly sessionId: string;
      readonly streamId: string;
      readonly events: readonly { readonly id: string; readonly message: JsonRpcMessage }[];
      readonly ended: boolean;
      readonly known: boolean;
    }
  /** `notifications/cancelled` for a request that runs on some node. */
  | {
      readonly type: 'cancel';
      readonly sessionId: string;
      readonly requestId: RequestId;
      readonly reason: string;
    };

/**
 * What a node shares with the other nodes of its cluster (`erlmcp/scale` implements it on Redis).
 * Writes are fire-and-forget (their failures reach `onError`); reads are promises that reject while
 * the shared store is unreachable, so a caller can answer 503 rather than "Session not found".
 */
export interface ClusterNode {
  /** Unique per process; server→client request ids start with it, so answers find their node. */
  readonly nodeId: string;
  /** Whether the shared store answers right now (new 2025 sessions need it). */
  readonly available: boolean;
  /** Stores a new session (resolves once stored: the id is then good on every node). */
  createSession(session: SharedSession, idleMs: number): Promise<void>;
  loadSession(id: string): Promise<SharedSession | undefined>;
  /**
   * Stores the session's changed state, then tells the other nodes; resolves once both are done (the
   * client's next request may reach any node), rejects while the store is unreachable.
   */
  updateSession(session: SharedSession, idleMs: number): Promise<void>;
  /** Keeps a session alive for another `idleMs` (called at most every few seconds per session). */
  touchSession(id: string, idleMs: number): void;
  /**
   * Removes a session and tells the other nodes; resolves once both are done (a client told the
   * session is gone may send its next request to any node), rejects while the store is unreachable.
   */
  deleteSession(id: string): Promise<void>;
  /** To every other node; `node` sends it to that one only. */
  publish(message: ClusterMessage, node?: string): void;
  /** Messages from the other nodes (never this node's own). */
  onMessage(listener: (message: ClusterMessage) => void): void;
  /** Tasks every node can list, poll and cancel; undefined keeps them in this process. */
  readonly taskStore?: TaskStore;
  close(): Promise<void>;
}

/** How a principal is kept in the shared store: a SHA-256 digest ('' for none). */
export function principalDigest(principal: string | undefined): string {
  return principal === undefined ? '' : createHash('sha256').update(principal).digest('base64url');
}

/** The shared form of a session record. */
export function sharedSession(record: SessionRecord, principal: string | undefined): SharedSession {
  return {
    id: record.id,
    protocolVersion: record.protocolVersion,
    clientInfo: record.clientInfo,
    clientCapabilities: record.clientCapabilities,
    logLevel: record.logLevel,
    initialized: record.initialized,
    subscriptions: [...record.subscriptions],
    principalDigest: principalDigest(principal),
  };
}

/** A session record rebuilt from its shared form (on a node that did not open it). */
export function sessionRecordOf(shared: SharedSession): SessionRecord {
  return {
    id: shared.id,
    protocolVersion: shared.protocolVersion,
    clientInfo: shared.clientInfo,
    clientCapabilities: shared.clientCapabilities,
    logLevel: shared.logLevel,
    initialized: shared.initialized,
    subscriptions: new Set(shared.subscriptions),
  };
}

/** Applies another node's change to this node's copy of the session. */
export function applySharedChange(record: SessionRecord, shared: SharedSession): void {
  record.logLevel = shared.logLevel;
  record.initialized = shared.initialized;
  record.subscriptions = new Set(shared.subscriptions);
}
