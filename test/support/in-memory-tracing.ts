import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach } from 'vitest';
import { enableTracing } from '../../src/observability/tracing/enable-tracing.js';

/**
 * Registers, around every test of the calling file, an OTel SDK that keeps finished spans in
 * memory (the library itself uses only @opentelemetry/api) and erlmcp's tracing; `cleanups` run
 * after each test, last first.
 */
export function useInMemoryTracing() {
  const exporter = new InMemorySpanExporter();
  const cleanups: (() => void | Promise<void>)[] = [];
  beforeEach(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    cleanups.push(enableTracing());
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    exporter.reset();
    trace.disable();
    context.disable();
  });
  return { exporter, cleanups };
}
