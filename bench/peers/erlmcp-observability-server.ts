/**
 * erlmcp's everything server over Streamable HTTP with observability parts switched by flags, for
 * bench/observability-overhead: `--metrics` (the /metrics exporter, serveHttp's default), `--tracing`
 * (OpenTelemetry spans recorded by a real SDK tracer, batched to an exporter that drops them) and
 * `--logging` (one pino JSON line per request to /dev/null, asynchronously). Prints its URL.
 */
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { createServer } from '../../examples/everything.js';
import { serveHttp } from '../../src/exports/http.js';
import { enableRequestLogs } from '../../src/observability/logging/index.js';
import { enableTracing } from '../../src/observability/tracing/index.js';
import { benchServerOptions } from '../lib/bench-limits.js';

const { values } = parseArgs({
  options: {
    metrics: { type: 'boolean', default: false },
    tracing: { type: 'boolean', default: false },
    logging: { type: 'boolean', default: false },
  },
});

if (values.tracing) {
  // What a production set-up pays: spans are sampled, recorded and batched; only the network
  // export is left out (the exporter acknowledges and drops each batch).
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({ export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }),
    ],
  });
  enableTracing({ tracer: provider.getTracer('bench') });
}
if (values.logging) {
  enableRequestLogs({
    logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })),
  });
}

const server = createServer(benchServerOptions());
const handle = await serveHttp(server, {
  port: 0,
  metrics: values.metrics ? { path: '/metrics' } : false,
});
console.log(`URL ${handle.url}`);
process.once('SIGINT', () => process.exit(0));
