/** Distinct messages kept: a message that embeds an id per call must not grow the tally without bound. */
const MAX_REASONS = 20;
const OTHER = '(other messages)';

/** Failures counted per distinct message, so a report says why calls failed, not only how many. */
export class ErrorTally {
  total = 0;
  readonly #counts = new Map<string, number>();

  add(message: string): void {
    this.total++;
    const key = this.#counts.has(message) || this.#counts.size < MAX_REASONS ? message : OTHER;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Most frequent first; the catch-all for messages beyond the first twenty distinct ones comes last. */
  reasons(): { message: string; count: number }[] {
    return [...this.#counts]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => Number(a.message === OTHER) - Number(b.message === OTHER) || b.count - a.count);
  }
}
