/**
 * `erlmcp/client`: the client's resilience parts, and `transportForUrl`, which picks the client
 * transport for an `http(s)://`, `ws(s)://`, `tcp://` or `tls://` URL (and so loads every client
 * transport). `Client` itself is in the root entry.
 */
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
} from '../client/resilience/circuit-breaker.js';
export {
  CLIENT_URL_SCHEMES,
  type TransportForUrlOptions,
  transportForUrl,
} from '../transports/transport-for-url.js';
