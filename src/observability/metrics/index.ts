export { createMetrics, METRIC_NAMES, type Metrics, type MetricsOptions } from './create-metrics.js';
export { OTHER } from './labels.js';
