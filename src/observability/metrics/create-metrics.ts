import type diagnostics_channel from 'node:diagnostics_channel';
import { Registry } from 'prom-client';
import { channels } from '../../core/diagnostics.js';
import type { McpServer } from '../../server/mcp-server.js';
import { LifecycleMetrics } from './lifecycle-metrics.js';
import { DEFAULT_BUCKETS, RequestMetrics } from './request-metrics.js';
import { addDefaultMetrics, addRuntimeGauges } from './runtime-metrics.js';
import { addUpstreamMetrics, UPSTREAM_METRIC_NAMES } from './upstream-metrics.js';

export interface MetricsOptions {
  /** Where the metrics live. Default: a new Registry (never prom-client's global one). */
  registry?: Registry;
  /** Prefix of every metric name, process metrics included. Default `erlmcp_`. */
  prefix?: string;
  /** Buckets of `request_duration_seconds`, in seconds. */
  buckets?: number[];
}

export interface Metrics {
  readonly registry: Registry;
  /** The `Content-Type` of `render()`'s text (Prometheus text exposition format). */
  readonly contentType: string;
  /** Every metric of the registry in the Prometheus text format, for a `/metrics` endpoint. */
  render(): Promise<string>;
  /** Stops listening (the core goes back to building no events) and removes the metrics. Idempotent. */
  close(): void;
}

/**
 * Prometheus metrics for one McpServer, fed by the `erlmcp:*` diagnostics channels. Nothing is
 * subscribed before this is called, so a server without metrics pays nothing; after `close()`,
 * nothing again. The channels are process-wide: with several servers in one process, request,
 * session and refusal counts include all of them, while the `tool` label and the in-flight and
 * event-loop gauges follow this server.
 */
export function createMetrics(server: McpServer, options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'erlmcp_';
  const core = server.core;
  const requests = new RequestMetrics(
    registry,
    prefix,
    options.buckets ?? DEFAULT_BUCKETS,
    core.registry.tools,
  );
  const lifecycle = new LifecycleMetrics(registry, prefix);
  const stopGauges = addRuntimeGauges(registry, prefix, core.supervisor);
  const removeDefaults = addDefaultMetrics(registry, prefix);
  addUpstreamMetrics(registry, prefix, core.status);
  const subscriptions: [diagnostics_channel.Channel, (message: unknown) => void][] = [
    [channels.requestEnd, requests.onEnd],
    [channels.sessionOpen, lifecycle.onSessionOpen],
    [channels.sessionClose, lifecycle.onSessionClose],
    [channels.streamOpen, lifecycle.onStreamOpen],
    [channels.streamClose, lifecycle.onStreamClose],
    [channels.refused, lifecycle.onRefused],
    [channels.restart, lifecycle.onRestart],
    [channels.bytes, lifecycle.onBytes],
  ];
  for (const [channel, listener] of subscriptions) channel.subscribe(listener);
  let closed = false;
  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    close() {
      if (closed) return;
      closed = true;
      for (const [channel, listener] of subscriptions) channel.unsubscribe(listener);
      stopGauges();
      removeDefaults();
      // Only what this call added: a caller's registry may hold metrics of its own.
      for (const name of [...METRIC_NAMES, ...UPSTREAM_METRIC_NAMES])
        registry.removeSingleMetric(prefix + name);
    },
  };
}

/** The names this module registers (without prefix), in the order docs/observability.md lists them. */
export const METRIC_NAMES = [
  'requests_total',
  'request_duration_seconds',
  'sessions_active',
  'sessions_total',
  'streams_active',
  'in_flight_requests',
  'refused_total',
  'bytes_total',
  'restarts_total',
  'event_loop_delay_seconds',
  ...UPSTREAM_METRIC_NAMES,
] as const;
