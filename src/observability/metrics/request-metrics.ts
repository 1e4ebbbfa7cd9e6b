import type { MetricValueWithName, Registry } from 'prom-client';
import type { RequestEvent } from '../../core/diagnostics.js';
import { eraLabel, methodLabel, toolLabel, transportLabel } from './labels.js';
import { scrapedMetric } from './scraped-metric.js';

/** Seconds; tool calls range from sub-millisecond handlers to long upstream calls. */
export const DEFAULT_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

type Labels = Record<string, string>;
interface Latency {
  labels: Labels;
  /** Observations per bucket (not cumulative; the last slot is above every bound). */
  buckets: number[];
  sum: number;
  count: number;
}
interface Series {
  labels: Labels;
  count: number;
  latency: Latency;
  /** Matched by identity on the hot path (the event's own enum values). */
  era: RequestEvent['era'];
  transport: string;
  outcome: RequestEvent['outcome'];
}

/**
 * `requests_total` and `request_duration_seconds`, fed by `erlmcp:request:end`. A request costs one
 * Map lookup and a few additions: prom-client's own Counter and Histogram hash and validate the label
 * object on every call (2 µs a request, measured, against 0.08 µs here), so the tallies are kept as
 * plain numbers and shaped into prom-client's metric format only when scraped.
 */
export class RequestMetrics {
  /** method label → tool label → the few series of that pair (eras × transports × outcomes). */
  readonly #index = new Map<string, Map<string, Series[]>>();
  readonly #series: Series[] = [];
  readonly #latencies = new Map<string, Latency>();
  readonly #bounds: number[];

  constructor(
    registry: Registry,
    prefix: string,
    buckets: number[],
    readonly tools: ReadonlyMap<string, unknown>,
  ) {
    this.#bounds = [...buckets].sort((a, b) => a - b);
    const reset = () => {
      this.#index.clear();
      this.#series.length = 0;
      this.#latencies.clear();
    };
    registry.registerMetric(
      scrapedMetric(
        `${prefix}requests_total`,
        'counter',
        'MCP requests answered, by method, tool, protocol era, transport and outcome',
        () => this.#series.map((series) => ({ labels: series.labels, value: series.count })),
        reset,
      ),
    );
    registry.registerMetric(
      scrapedMetric(
        `${prefix}request_duration_seconds`,
        'histogram',
        'Time from a request being admitted to its answer, in seconds',
        (name) => [...this.#latencies.values()].flatMap((latency) => this.#histogramLines(name, latency)),
        reset,
      ),
    );
  }

  /** The `erlmcp:request:end` subscriber (an arrow, so it can be unsubscribed by identity). */
  readonly onEnd = (message: unknown): void => {
    const event = message as RequestEvent;
    const method = methodLabel(event.method);
    const tool = toolLabel(event.method, event.target, this.tools);
    const transport = transportLabel(event.transport);
    // Looked up by the bounded label values (wire strings never become keys), without building a
    // joined key string per request: hashing a fresh string cost more than the rest of this function.
    let byTool = this.#index.get(method);
    if (byTool === undefined) {
      byTool = new Map();
      this.#index.set(method, byTool);
    }
    let candidates = byTool.get(tool);
    if (candidates === undefined) {
      candidates = [];
      byTool.set(tool, candidates);
    }
    let series: Series | undefined;
    for (const candidate of candidates) {
      if (
        candidate.era === event.era &&
        candidate.transport === transport &&
        candidate.outcome === event.outcome
      ) {
        series = candidate;
        break;
      }
    }
    series ??= this.#newSeries(candidates, method, tool, event, transport);
    series.count++;
    const latency = series.latency;
    const seconds = (event.durationMs ?? 0) / 1000;
    const bounds = this.#bounds;
    let slot = 0;
    while (slot < bounds.length && seconds > bounds[slot]!) slot++;
    latency.buckets[slot]!++;
    latency.sum += seconds;
    latency.count++;
  };

  #newSeries(
    candidates: Series[],
    method: string,
    tool: string,
    event: RequestEvent,
    transport: string,
  ): Series {
    const era = eraLabel(event.era);
    const outcome = event.outcome ?? 'ok';
    const latencyKey = `${method}\n${tool}\n${era}\n${transport}`;
    let latency = this.#latencies.get(latencyKey);
    if (latency === undefined) {
      latency = {
        labels: { method, tool, era, transport },
        buckets: new Array<number>(this.#bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.#latencies.set(latencyKey, latency);
    }
    const series: Series = {
      labels: { method, tool, era, transport, outcome },
      count: 0,
      latency,
      era: event.era,
      transport,
      outcome: event.outcome,
    };
    candidates.push(series);
    this.#series.push(series);
    return series;
  }

  #histogramLines(name: string, latency: Latency): MetricValueWithName<string>[] {
    const lines: MetricValueWithName<string>[] = [];
    let cumulative = 0;
    this.#bounds.forEach((bound, index) => {
      cumulative += latency.buckets[index]!;
      lines.push({
        metricName: `${name}_bucket`,
        labels: { ...latency.labels, le: bound },
        value: cumulative,
      });
    });
    lines.push({
      metricName: `${name}_bucket`,
      labels: { ...latency.labels, le: '+Inf' },
      value: latency.count,
    });
    lines.push({ metricName: `${name}_sum`, labels: latency.labels, value: latency.sum });
    lines.push({ metricName: `${name}_count`, labels: latency.labels, value: latency.count });
    return lines;
  }
}
