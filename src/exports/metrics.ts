/** `erlmcp/metrics`: Prometheus metrics (prom-client) fed by erlmcp's diagnostics channels. */
export * from '../observability/metrics/index.js';
