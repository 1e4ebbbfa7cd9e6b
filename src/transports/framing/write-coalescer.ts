import { encodeNdjson } from './ndjson.js';

/**
 * Gathers the ndjson lines sent in one tick and writes them with one call: under pipelined load one
 * write per message costs more than the messages themselves.
 */
export class WriteCoalescer {
  #queue: string[] = [];
  #scheduled = false;

  constructor(private readonly write: (chunk: string) => void) {}

  push(message: unknown): void {
    this.#queue.push(encodeNdjson(message));
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const chunk = this.#queue.length === 1 ? this.#queue[0]! : this.#queue.join('');
    this.#queue = [];
    this.write(chunk);
  };
}
