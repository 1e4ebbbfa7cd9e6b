export { StdioServerTransport, type StdioServerTransportOptions } from './server-transport.js';
