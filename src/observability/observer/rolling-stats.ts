/** Per-second buckets over the last `seconds`: counts, errors and durations for rates and percentiles. */
export class RollingStats {
  readonly #buckets: { second: number; count: number; errors: number; durations: number[] }[] = [];

  constructor(
    readonly seconds = 60,
    /** Durations kept per bucket for percentiles (a sample when busier: memory stays bounded). */
    readonly maxSamplesPerSecond = 200,
  ) {}

  add(durationMs: number, failed: boolean, nowMs = Date.now()): void {
    const second = Math.floor(nowMs / 1000);
    let bucket = this.#buckets.at(-1);
    if (!bucket || bucket.second !== second) {
      bucket = { second, count: 0, errors: 0, durations: [] };
      this.#buckets.push(bucket);
      while (this.#buckets.length > 0 && this.#buckets[0]!.second <= second - this.seconds)
        this.#buckets.shift();
    }
    bucket.count++;
    if (failed) bucket.errors++;
    if (bucket.durations.length < this.maxSamplesPerSecond) bucket.durations.push(durationMs);
    else bucket.durations[Math.floor(Math.random() * bucket.count) % this.maxSamplesPerSecond] = durationMs;
  }

  /** Requests per second for each of the last `seconds` seconds, oldest first (for a chart). */
  series(nowMs = Date.now()): number[] {
    const now = Math.floor(nowMs / 1000);
    const counts = new Map(this.#buckets.map((bucket) => [bucket.second, bucket.count]));
    return Array.from({ length: this.seconds }, (_, i) => counts.get(now - this.seconds + 1 + i) ?? 0);
  }

  /** Totals and latency percentiles over the last `windowSeconds`. */
  summary(
    windowSeconds = 10,
    nowMs = Date.now(),
  ): { rate: number; errors: number; p50: number; p99: number } {
    const from = Math.floor(nowMs / 1000) - windowSeconds;
    let count = 0;
    let errors = 0;
    const durations: number[] = [];
    for (const bucket of this.#buckets) {
      if (bucket.second <= from) continue;
      count += bucket.count;
      errors += bucket.errors;
      durations.push(...bucket.durations);
    }
    durations.sort((a, b) => a - b);
    const at = (p: number) =>
      durations.length === 0
        ? 0
        : durations[Math.min(durations.length - 1, Math.floor(durations.length * p))]!;
    return { rate: count / windowSeconds, errors, p50: at(0.5), p99: at(0.99) };
  }
}
