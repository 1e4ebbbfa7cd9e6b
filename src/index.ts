/**
 * `erlmcp`: the protocol API — McpServer and Client for both eras, their options, errors, limits and
 * the wire types. Transports and observability are subpaths (`erlmcp/stdio`, `erlmcp/http`,
 * `erlmcp/websocket`, `erlmcp/tcp`, `erlmcp/memory`, `erlmcp/client`, `erlmcp/metrics`,
 * `erlmcp/tracing`, `erlmcp/logging`, `erlmcp/observer`), so a stdio server loads none of ws,
 * prom-client, pino or OpenTelemetry.
 */
export {
  LIMIT_DEFAULTS,
  LimitError,
  type RateLimit,
  type RefusalReason,
  type RuntimeLimits,
  type RuntimeLimitsInput,
} from './admission/index.js';
export { type CallOptions, Client } from './client/client.js';
export type { ProgressInfo } from './client/client-session.js';
export { type KeepConnectedOptions, keepConnected } from './client/keep-connected.js';
export type {
  ClientOptions,
  ElicitationHandler,
  SamplingHandler,
  UrlConsentHandler,
  VersionNegotiation,
} from './client/options.js';
export { type CircuitBreakerOptions, CircuitOpenError } from './client/resilience/circuit-breaker.js';
export type * from './client/results.js';
export type { AuthInfo } from './core/auth-info.js';
export type { FrameError, MessageSink, Transport } from './core/transport.js';
export { ErlmcpError, type ErlmcpErrorCode, McpError, toWireError } from './jsonrpc/errors.js';
export type {
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
} from './jsonrpc/message.js';
export { ErrorCode } from './protocol/error-codes.js';
export { MetaKey, TASKS_EXTENSION } from './protocol/meta-keys.js';
export type * from './protocol/types.js';
export {
  LATEST_LEGACY_VERSION,
  LATEST_MODERN_VERSION,
  LEGACY_VERSIONS,
  MODERN_VERSIONS,
  SUPPORTED_VERSIONS,
} from './protocol/versions.js';
export { compileSchema, type SchemaInput } from './schema/index.js';
export type { RequestContext } from './server/context.js';
export type {
  CompletionCallback,
  PromptArgs,
  PromptConfig,
  ResourceConfig,
  ResourceTemplateConfig,
  StructuredToolReturn,
  ToolConfig,
  ToolReturn,
} from './server/definitions.js';
export { McpServer } from './server/mcp-server.js';
export type { McpServerOptions } from './server/options.js';
export type { Registered } from './server/registry.js';
export { MemoryTaskStore } from './server/tasks/memory-task-store.js';
export type { TaskRecord, TaskStatus, TaskStore } from './server/tasks/task-store.js';
