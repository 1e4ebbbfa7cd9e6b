export { StdioClientTransport, type StdioClientTransportOptions } from './client-transport.js';
export { StdioServerTransport, type StdioServerTransportOptions } from './server-transport.js';
