export { attachWebSocket, type WebSocketAttachment } from './attach.js';
export { WebSocketClientTransport, type WebSocketClientTransportOptions } from './client-transport.js';
export {
  MCP_SUBPROTOCOL,
  type ServeWebSocketOptions,
  WEBSOCKET_DEFAULTS,
  WebSocketCloseCode,
  type WebSocketConnectionOptions,
  type WebSocketServerOptions,
} from './options.js';
export { serveWebSocket, type WebSocketServerHandle } from './serve-websocket.js';
export { WebSocketServerTransport } from './server-transport.js';
