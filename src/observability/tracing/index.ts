export { McpAttribute } from './attributes.js';
export { enableTracing, TRACER_VERSION, type TracingOptions } from './enable-tracing.js';
export { spanContextOf } from './server-spans.js';
export { w3cPropagator } from './w3c-propagator.js';
