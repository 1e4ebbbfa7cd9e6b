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
export type * from './client/results.js';
export { ErlmcpError, type ErlmcpErrorCode, McpError, toWireError } from './jsonrpc/errors.js';
export type {
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
} from './jsonrpc/message.js';
export {
  CENSOR,
  censorSecrets,
  enableRequestLogs,
  type RequestLogLine,
  type RequestLogOptions,
  SECRET_KEY,
} from './observability/logging/index.js';
export {
  createMetrics,
  type Metrics,
  type MetricsOptions,
} from './observability/metrics/index.js';
export {
  enableTracing,
  McpAttribute,
  spanContextOf,
  TRACER_VERSION,
  type TracingOptions,
  w3cPropagator,
} from './observability/tracing/index.js';
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
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
} from './runtime/circuit-breaker.js';
export {
  type KeyedRateLimiter,
  LIMIT_DEFAULTS,
  LimitError,
  type RateLimit,
  type RefusalReason,
  RestartBudget,
  type RuntimeLimits,
  type RuntimeLimitsInput,
  Supervisor,
} from './runtime/index.js';
export { compileSchema, type SchemaInput } from './schema/index.js';
export type { RequestContext } from './server/context.js';
export type {
  CompletionCallback,
  PromptConfig,
  ResourceConfig,
  ResourceTemplateConfig,
  ToolConfig,
  ToolReturn,
} from './server/definitions.js';
export { McpServer } from './server/mcp-server.js';
export type { McpServerOptions } from './server/options.js';
export type { Registered } from './server/registry.js';
export { MemoryTaskStore } from './server/tasks/memory-task-store.js';
export type { TaskRecord, TaskStatus, TaskStore } from './server/tasks/task-store.js';
export {
  createLegacySseHandler,
  createStreamableHttpHandler,
  type EventStore,
  expressHandler,
  fastifyHandler,
  fetchHandler,
  type HttpServerHandle,
  type HttpTransportOptions,
  MemoryEventStore,
  nodeHandler,
  type ServeHttpOptions,
  type StreamableHttpClientOptions,
  StreamableHttpClientTransport,
  serveHttp,
} from './transports/http/index.js';
export { createLinkedPair } from './transports/memory/linked-pair.js';
export {
  StdioClientTransport,
  type StdioClientTransportOptions,
  StdioServerTransport,
} from './transports/stdio/index.js';
export {
  type ServeTcpOptions,
  SOCKET_DEFAULTS,
  SocketTransport,
  serveTcp,
  type TcpClientOptions,
  TcpClientTransport,
  type TcpServerHandle,
} from './transports/tcp/index.js';
export { type PemSource, principalOf, type TlsOptions } from './transports/tls/tls-options.js';
export type { FrameError, MessageSink, Transport } from './transports/transport.js';
export {
  CLIENT_URL_SCHEMES,
  type TransportForUrlOptions,
  transportForUrl,
} from './transports/transport-for-url.js';
export {
  attachWebSocket,
  MCP_SUBPROTOCOL,
  type ServeWebSocketOptions,
  serveWebSocket,
  WEBSOCKET_DEFAULTS,
  type WebSocketAttachment,
  WebSocketClientTransport,
  type WebSocketClientTransportOptions,
  WebSocketCloseCode,
  type WebSocketConnectionOptions,
  type WebSocketServerHandle,
  type WebSocketServerOptions,
  WebSocketServerTransport,
} from './transports/websocket/index.js';
