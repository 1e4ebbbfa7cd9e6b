import type { Metric, MetricObjectWithValues, MetricValueWithName } from 'prom-client';

/**
 * A metric whose values are produced at scrape time, in the shape prom-client's registry renders
 * (`name`, `help`, `type`, `get()`), so it sits in the same Registry as Counters and Gauges.
 */
export function scrapedMetric(
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  values: (name: string) => MetricValueWithName<string>[],
  reset: () => void,
): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    // The registry may rename a counter for OpenMetrics output: read the name at scrape time.
    get: async () =>
      ({
        name: metric.name,
        help,
        type,
        values: values(metric.name),
        aggregator: 'sum',
      }) as unknown as MetricObjectWithValues<MetricValueWithName<string>>,
    reset,
  };
  return metric as unknown as Metric;
}
