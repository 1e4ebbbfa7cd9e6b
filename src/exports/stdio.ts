/** `erlmcp/stdio`: a server on its own stdin/stdout, and a client that spawns one. */
export * from '../transports/stdio/index.js';
