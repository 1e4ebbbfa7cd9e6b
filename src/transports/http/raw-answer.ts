import type { HttpAnswer } from './http-answer.js';

/** An answer as the transport reads it (the subset of a fetch Response it uses). */
export class RawAnswer implements HttpAnswer {
  readonly #chunks: Buffer[] = [];
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #body: ReadableStream<Uint8Array> | undefined;
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly status: number,
    headerMap: Map<string, string>,
    private readonly drop: () => void,
  ) {
    this.headers = { get: (name) => headerMap.get(name.toLowerCase()) ?? null };
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(data: Buffer): void {
    this.#chunks.push(data);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  fail(error: Error): void {
    this.#error = error;
    this.#wake?.();
  }

  discard(): void {
    this.#chunks.length = 0;
    this.drop();
  }

  async text(): Promise<string> {
    while (!this.#ended) {
      if (this.#error) throw this.#error;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
    if (this.#error) throw this.#error;
    const text =
      this.#chunks.length === 1
        ? (this.#chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(this.#chunks).toString('utf8');
    this.#chunks.length = 0;
    return text;
  }

  /** The body as a web stream, built only when read that way (an SSE answer). */
  get body(): ReadableStream<Uint8Array> {
    this.#body ??= new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          const next = this.#chunks.shift();
          if (next) {
            controller.enqueue(new Uint8Array(next.buffer, next.byteOffset, next.byteLength));
            return;
          }
          if (this.#error) {
            controller.error(this.#error);
            return;
          }
          if (this.#ended) {
            controller.close();
            return;
          }
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
          });
          this.#wake = undefined;
        }
      },
      cancel: () => this.discard(),
    });
    return this.#body;
  }
}
