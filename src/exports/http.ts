/**
 * `erlmcp/http`: the Streamable HTTP transport of both eras (the server handler, framework adapters,
 * the client), the 2024-11-05 HTTP+SSE endpoints, and `serveHttp`, which serves them with health
 * probes, /metrics and the observer page.
 */
export { type HttpServerHandle, type ServeHttpOptions, serveHttp } from '../serve/serve-http.js';
export type { HostOriginOptions } from '../transports/host-policy.js';
export * from '../transports/http/index.js';
export { type PemSource, principalOf, type TlsOptions } from '../transports/tls/tls-options.js';
