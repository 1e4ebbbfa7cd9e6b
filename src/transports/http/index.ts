export { expressHandler, fastifyHandler, nodeHandler } from './adapters.js';
export {
  encodeHeaderValue,
  type StreamableHttpClientOptions,
  StreamableHttpClientTransport,
} from './client-transport.js';
export { type EventStore, MemoryEventStore } from './event-store.js';
export { fetchHandler } from './fetch-adapter.js';
export { createHttpSseHandler, type HttpSseHandler } from './http-sse-2024.js';
export { HTTP_DEFAULTS, type HttpTransportOptions } from './options.js';
export { createStreamableHttpHandler, type HttpHandler } from './streamable-http-handler.js';
