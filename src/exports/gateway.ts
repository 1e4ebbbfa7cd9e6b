/**
 * `erlmcp/gateway`: one MCP endpoint in front of many upstream servers of either era. The gateway's
 * `server` is an McpServer: serve it with `serveHttp`, `serveWebSocket`, stdio… (docs/gateway.md).
 */
export type { GatewayConfig, RateLimitConfig, UpstreamAuth, UpstreamConfig } from '../gateway/config.js';
export { GatewayConfigError, parseGatewayConfig } from '../gateway/config.js';
export { Gateway, type GatewayOptions, startGateway } from '../gateway/gateway.js';
export type { AuditLine } from '../gateway/policy.js';
export type { UpstreamHealth } from '../gateway/upstream.js';
