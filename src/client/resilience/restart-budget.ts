/**
 * OTP's restart intensity: at most `maxRestarts` within `periodMs`. A child that keeps crashing
 * faster than that is given up on instead of being restarted in a tight loop.
 */
export class RestartBudget {
  readonly #restarts: number[] = [];

  constructor(
    readonly maxRestarts = 5,
    readonly periodMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a restart if the budget allows it; false means: stop restarting. */
  tryRestart(): boolean {
    const now = this.now();
    while (this.#restarts.length > 0 && now - this.#restarts[0]! > this.periodMs) this.#restarts.shift();
    if (this.#restarts.length >= this.maxRestarts) return false;
    this.#restarts.push(now);
    return true;
  }
}
