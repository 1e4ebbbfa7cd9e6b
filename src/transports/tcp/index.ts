export { type TcpClientOptions, TcpClientTransport } from './client-transport.js';
export { type ServeTcpOptions, serveTcp, type TcpServerHandle } from './serve-tcp.js';
export { SOCKET_DEFAULTS, SocketTransport, type SocketTransportOptions } from './socket-transport.js';
