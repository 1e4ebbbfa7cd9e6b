const TICK_MS = 10;
/**
 * Utilisation only counts with real traffic: a loop busy compiling at start-up, or a client sharing
 * the process, is not an overload to shed (seen in tests before this floor existed).
 */
const MIN_OFFERED_PER_WINDOW = 10;
/** Requests a late turn still admits: a lone request after a slow turn (start-up, GC) is no overload. */
const LATE_TURN_GRACE = 3;

/**
 * Decides when new work is refused so that admitted work keeps its latency. Two signals:
 * - event-loop delay, from a 10 ms ticker (unref'd): a turn that holds the loop past the threshold
 *   (a blocking handler, a burst) refuses everything else arriving in it;
 * - event-loop utilisation per window: short turns can still saturate the loop while requests queue
 *   in the kernel, invisible to delay. Above the target, with traffic, an admission probability shrinks
 *   multiplicatively each window; below it, it grows back (AIMD), so admitted work settles near
 *   capacity and the queue stays short. A refusal costs microseconds.
 */
export class LoadShedder {
  #timer: NodeJS.Timeout | undefined;
  #lastTick = 0;
  #ticks = 0;
  #windowLateMs = 0;
  #lastWindowLateMs = 0;
  #elu: EventLoopUtilization | undefined;
  #utilization = 0;
  #admitProbability = 1;
  #offered = 0;
  #offeredSinceTick = 0;

  readonly #ticksPerWindow: number;

  constructor(
    readonly maxDelayMs: number,
    readonly windowMs = 100,
    /** Target event-loop utilisation (0..1]; 1 turns the utilisation signal off. */
    readonly maxUtilization = 0.9,
  ) {
    this.#ticksPerWindow = Math.max(1, Math.round(windowMs / TICK_MS));
  }

  /** Starts watching; idempotent. A delay threshold of 0 disables shedding altogether. */
  start(): void {
    if (this.#timer || this.maxDelayMs <= 0) return;
    this.#lastTick = performance.now();
    this.#elu = performance.eventLoopUtilization();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#windowLateMs = 0;
    this.#lastWindowLateMs = 0;
    this.#admitProbability = 1;
    this.#utilization = 0;
  }

  /** Whether new work is being refused (readiness): the loop is blocked now or admission is throttled. */
  get overloaded(): boolean {
    if (!this.#timer) return false;
    const late = Math.max(this.#currentLateMs(), this.#lastWindowLateMs);
    return late > this.maxDelayMs || this.#admitProbability < 1;
  }

  /** Decides for one new request; cheap (a clock read, sometimes a random number). */
  shouldShed(): boolean {
    if (!this.#timer) return false;
    this.#offered++;
    // The first timers phase after a block runs before the requests queued during it are read, so
    // the late tick's window (not only the current turn) decides for them.
    if (
      ++this.#offeredSinceTick > LATE_TURN_GRACE &&
      (this.#currentLateMs() > this.maxDelayMs || this.#lastWindowLateMs > this.maxDelayMs)
    ) {
      return true;
    }
    return this.#admitProbability < 1 && Math.random() >= this.#admitProbability;
  }

  /** The worst ticker lateness of the last window, or of the current turn if worse, in ms. */
  get delayMs(): number {
    if (!this.#timer) return 0;
    return Math.max(this.#lastWindowLateMs, this.#windowLateMs, this.#currentLateMs());
  }

  /** Event-loop utilisation of the last window (0..1). */
  get utilization(): number {
    return this.#utilization;
  }

  /** Share of new requests currently admitted (1 when not overloaded). */
  get admitProbability(): number {
    return this.#admitProbability;
  }

  #currentLateMs(): number {
    return performance.now() - this.#lastTick - TICK_MS;
  }

  #tick(): void {
    const late = this.#currentLateMs();
    this.#lastTick = performance.now();
    this.#offeredSinceTick = 0;
    if (late > this.#windowLateMs) this.#windowLateMs = late;
    // A late tick closes its window at once, so what queued during the block meets it.
    if (++this.#ticks % this.#ticksPerWindow !== 0 && late <= this.maxDelayMs) return;
    this.#ticks = 0;
    this.#lastWindowLateMs = this.#windowLateMs;
    this.#windowLateMs = 0;
    const now = performance.eventLoopUtilization();
    this.#utilization = performance.eventLoopUtilization(now, this.#elu).utilization;
    this.#elu = now;
    const offered = this.#offered;
    this.#offered = 0;
    if (this.maxUtilization >= 1) return;
    if (this.#utilization > this.maxUtilization && offered >= MIN_OFFERED_PER_WINDOW) {
      this.#admitProbability = Math.max(0.01, this.#admitProbability * 0.5);
    } else if (this.#admitProbability < 1) {
      this.#admitProbability = Math.min(1, this.#admitProbability + 0.05);
    }
  }
}

type EventLoopUtilization = ReturnType<typeof performance.eventLoopUtilization>;
