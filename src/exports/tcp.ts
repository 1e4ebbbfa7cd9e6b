/** `erlmcp/tcp`: newline-delimited JSON-RPC over TCP or TLS, server and client. */
export * from '../transports/tcp/index.js';
export { type PemSource, principalOf, type TlsOptions } from '../transports/tls/tls-options.js';
