/** `erlmcp/websocket`: MCP over WebSocket (subprotocol `mcp`), server and client. */
export { type PemSource, principalOf, type TlsOptions } from '../transports/tls/tls-options.js';
export * from '../transports/websocket/index.js';
