/** The part of a `ws` WebSocket the guard watches and steers. */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  pause(): void;
  resume(): void;
}

export interface OutboundGuardOptions {
  maxBufferedBytes: number;
  maxBufferedMs: number;
  /** Reading stopped (true) or resumed (false). */
  onPause(paused: boolean): void;
  /** The peer does not read: over twice the limit, or over the limit for `maxBufferedMs`. */
  onOverflow(reason: string): void;
}

/**
 * Keeps memory bounded per peer. A peer that sends requests but does not read the answers fills our
 * outbound buffer; over `maxBufferedBytes` we stop reading its requests (TCP pushes back on it), and
 * resume below half. If the buffer does not drain in `maxBufferedMs`, or grows past twice the limit
 * (answers already running keep adding), the peer is cut off.
 */
export class OutboundGuard {
  #paused = false;
  #since = 0;
  #timer: NodeJS.Timeout | undefined;
  #overflowed = false;

  constructor(
    private readonly socket: BufferedSocket,
    private readonly options: OutboundGuardOptions,
  ) {}

  get paused(): boolean {
    return this.#paused;
  }

  /** After queueing a frame, and after each frame reaches the kernel (the `send` callback). */
  readonly check = (): void => {
    if (this.#overflowed) return;
    const buffered = this.socket.bufferedAmount;
    const limit = this.options.maxBufferedBytes;
    if (buffered > 2 * limit) {
      this.#overflow(`outbound buffer of ${buffered} bytes is over twice maxBufferedBytes (${limit})`);
    } else if (!this.#paused && buffered > limit) {
      this.#paused = true;
      this.#since = Date.now();
      this.socket.pause();
      this.options.onPause(true);
      this.#timer = setTimeout(() => this.#expire(), this.options.maxBufferedMs);
      this.#timer.unref();
    } else if (this.#paused && buffered <= limit / 2) {
      this.#paused = false;
      clearTimeout(this.#timer);
      this.socket.resume();
      this.options.onPause(false);
    }
  };

  stop(): void {
    clearTimeout(this.#timer);
    this.#overflowed = true;
  }

  #expire(): void {
    const limit = this.options.maxBufferedBytes;
    if (this.socket.bufferedAmount > limit) {
      this.#overflow(`outbound buffer over maxBufferedBytes (${limit}) for ${Date.now() - this.#since} ms`);
      return;
    }
    // Draining, just not below half yet: judge again later (the send callbacks resume reading).
    this.#since = Date.now();
    this.#timer = setTimeout(() => this.#expire(), this.options.maxBufferedMs);
    this.#timer.unref();
  }

  #overflow(reason: string): void {
    this.stop();
    this.options.onOverflow(reason);
  }
}
