import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches event-loop delay in short windows. When the last window's p99 passes the threshold the
 * node is overloaded: new work is refused at the door (cheap) so admitted work keeps its latency.
 * A loop blocked for seconds shows up in the first window after it unblocks.
 */
export class LoadShedder {
  #histogram: IntervalHistogram | undefined;
  #timer: NodeJS.Timeout | undefined;
  #overloaded = false;
  #lastDelayMs = 0;
  #lastTick = 0;

  constructor(
    readonly maxDelayMs: number,
    readonly windowMs = 100,
  ) {}

  /** Starts watching; idempotent. A threshold of 0 disables shedding on delay. */
  start(): void {
    if (this.#timer || this.maxDelayMs <= 0) return;
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
    this.#lastTick = performance.now();
    this.#timer = setInterval(() => this.#sample(), this.windowMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#histogram?.disable();
    this.#histogram = undefined;
    this.#overloaded = false;
  }

  get overloaded(): boolean {
    return this.#overloaded;
  }

  /** p99 event-loop delay of the last window, in ms. */
  get delayMs(): number {
    return this.#lastDelayMs;
  }

  #sample(): void {
    const histogram = this.#histogram;
    if (!histogram) return;
    // A late tick is itself a measurement: it catches a block the histogram sampled only once.
    const now = performance.now();
    const lateMs = now - this.#lastTick - this.windowMs;
    this.#lastTick = now;
    const p99Ms = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6;
    this.#lastDelayMs = Math.max(p99Ms, lateMs);
    histogram.reset();
    this.#overloaded = this.#lastDelayMs > this.maxDelayMs;
  }
}
