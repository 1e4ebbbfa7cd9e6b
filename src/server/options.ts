import type { RuntimeLimitsInput } from '../admission/limits.js';
import type { Implementation, ServerCapabilities } from '../protocol/types.js';
import type { TaskStore } from './tasks/task-store.js';

/** Every limit and default of the core, named; see docs/limits.md (runtime limits come later). */
export interface McpServerOptions {
  /** Shown to clients as serverInfo. */
  name: string;
  version: string;
  title?: string;
  description?: string;
  websiteUrl?: string;
  icons?: Implementation['icons'];
  /**
   * OAuth scopes a method needs, by method name (`'resources/subscribe': ['feeds:watch']`), on top
   * of the scopes of the tool, resource or prompt it names. Checked only for requests that carry
   * credentials (an auth layer in front); `initialize`, `server/discover` and `ping` need none.
   */
  methodScopes?: Readonly<Record<string, readonly string[]>>;
  /** `tools/list` leaves out tools whose scopes the caller's token lacks. Default false. */
  hideUnauthorizedTools?: boolean;
  /** Natural-language guidance for the model (initialize / server/discover). */
  instructions?: string;
  /** Extra capabilities merged over the ones erlmcp derives from what is registered. */
  capabilities?: ServerCapabilities;
  /** Items per page of every list method. Default 100. */
  pageSize?: number;
  /** Idle time a handler may run without progress before it is aborted with an error. Default 60 s. */
  requestTimeoutMs?: number;
  /** Hard ceiling even with progress resetting the timeout. Default 10 min. */
  maxRequestTimeoutMs?: number;
  /** How long a server→client request (2025 elicitation, sampling, roots) may wait. Default 10 min. */
  inputTimeoutMs?: number;
  /** 2026 cache hints on lists, reads and discover. Default ttl 0 (always revalidate), scope public. */
  cache?: { ttlMs?: number; cacheScope?: 'public' | 'private' };
  /**
   * Key of the HMAC that protects 2026 `requestState`. Default: the `ERLMCP_REQUEST_STATE_SECRET`
   * environment variable, else random per process, which is right for one process only: every node
   * that may receive the retry of an input round must share one secret (`erlmcp serve --workers`
   * shares one among its workers by itself).
   */
  requestStateSecret?: string | Uint8Array;
  /** Lifetime of a `requestState`. Default 10 min. */
  requestStateTtlMs?: number;
  /** Most rounds of one multi round-trip request before it fails. Default 16. */
  maxInputRounds?: number;
  /** Task storage (2025 tasks and the 2026 tasks extension). Default in-memory; `false` disables tasks. */
  taskStore?: TaskStore | false;
  /**
   * Runtime limits: sessions, in-flight requests, streams, rates, load shedding and drain
   * (docs/limits.md lists each with its default and error).
   */
  limits?: RuntimeLimitsInput;
  /** Where erlmcp writes its own diagnostics (never stdout on stdio). Default: stderr. */
  onDiagnostic?: (message: string, error?: unknown) => void;
}

export const DEFAULTS = {
  pageSize: 100,
  requestTimeoutMs: 60_000,
  maxRequestTimeoutMs: 600_000,
  inputTimeoutMs: 600_000,
  cacheTtlMs: 0,
  requestStateTtlMs: 600_000,
  maxInputRounds: 16,
} as const;
