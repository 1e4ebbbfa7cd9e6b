import type {
  ClientCapabilities,
  CreateMessageParams,
  CreateMessageResult,
  ElicitFormParams,
  ElicitResult,
  ElicitUrlParams,
  Implementation,
  LoggingLevel,
  Root,
} from '../protocol/types.js';
import type { ProtocolVersion } from '../protocol/versions.js';
import type { CircuitBreaker, CircuitBreakerOptions } from './resilience/circuit-breaker.js';

/** What the server's request is about, for handlers that care (cancellation, the asking tool). */
export interface ClientRequestContext {
  /** Aborted when the server cancels its request (2025) or the client's own call is aborted (2026). */
  signal: AbortSignal;
}

export type SamplingHandler = (
  params: CreateMessageParams,
  ctx: ClientRequestContext,
) => Promise<CreateMessageResult>;
export type ElicitationHandler = (
  params: ElicitFormParams | ElicitUrlParams,
  ctx: ClientRequestContext,
) => Promise<ElicitResult>;
/** Asked before a URL-mode elicitation is shown: false declines without calling the elicitation handler. */
export type UrlConsentHandler = (params: ElicitUrlParams) => Promise<boolean>;

/**
 * Answers one request of the server (elicitation, sampling, roots) in either era. `key` names a 2026
 * input request in its round's `inputRequests` (none for a 2025 server→client request).
 */
export type InputHandler = (
  method: string,
  params: Record<string, unknown>,
  signal: AbortSignal,
  key?: string,
) => Promise<Record<string, unknown>>;

export type VersionNegotiation = 'auto' | 'legacy' | 'modern' | { pin: ProtocolVersion };

export interface ClientOptions {
  /**
   * `auto` (default): try the 2026 era (`server/discover`), fall back to `initialize`.
   * `legacy`: `initialize` only. `modern`: 2026 only. `{ pin }`: exactly that revision.
   */
  versionNegotiation?: VersionNegotiation;
  /** Declared capabilities; by default derived from the handlers given. */
  capabilities?: ClientCapabilities;
  sampling?: SamplingHandler;
  elicitation?: ElicitationHandler;
  urlConsent?: UrlConsentHandler;
  /** Roots offered to servers (`roots/list`); change them with `client.setRoots()`. */
  roots?: Root[];
  /** Idle timeout of a request; progress resets it. Default 60 s. */
  requestTimeoutMs?: number;
  /** Hard ceiling of a request even with progress. Default 10 min. */
  maxRequestTimeoutMs?: number;
  /** How long the `auto` probe waits for `server/discover` before assuming a 2025 server. Default 5 s. */
  probeTimeoutMs?: number;
  /** Most rounds of `InputRequiredResult` one call may take. Default 8. */
  maxInputRounds?: number;
  /** 2026 per-request log level sent in `_meta` (no log notifications without it). */
  logLevel?: LoggingLevel;
  /** Cache list results per their `ttlMs` / `cacheScope` and drop them on list_changed. Default true. */
  listCache?: boolean;
  /** Declare the 2026 tasks extension: servers may then answer long calls with a task handle. */
  tasks?: boolean;
  /**
   * Fail fast while the server keeps failing: every request (and the connect negotiation) runs
   * through this breaker, and while it is open calls reject at once with `ERR_CIRCUIT_OPEN`.
   * Only transport failures count (timeouts, a closed connection), not JSON-RPC errors. Pass
   * options for a breaker of this client's own, or one `CircuitBreaker` to share it between
   * clients of the same upstream. Default: none.
   */
  circuitBreaker?: CircuitBreaker | CircuitBreakerOptions;
  /**
   * Answers every server request (2025 server→client requests and 2026 input requests) instead of
   * `sampling` / `elicitation` / `roots`; declare `capabilities` to match. For proxies and gateways.
   */
  onServerRequest?: InputHandler;
  /** Diagnostics (ignored messages, unknown ids). Default: none. */
  onDiagnostic?: (message: string) => void;
}

export type ClientInfo = Implementation;

export const CLIENT_DEFAULTS = {
  requestTimeoutMs: 60_000,
  maxRequestTimeoutMs: 600_000,
  probeTimeoutMs: 5_000,
  maxInputRounds: 8,
} as const;
