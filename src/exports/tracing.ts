/** `erlmcp/tracing`: OpenTelemetry spans (through @opentelemetry/api only; bring your own SDK). */
export * from '../observability/tracing/index.js';
