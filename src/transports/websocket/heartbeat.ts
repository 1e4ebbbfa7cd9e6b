/**
 * Dead-peer detection: a ping every interval; a peer that has shown no sign of life (a pong or any
 * message) by the next tick is declared dead. A peer that vanished without a close (pulled cable,
 * frozen VM, NAT dropped the mapping) is otherwise only noticed by TCP after many minutes.
 */
export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;
  #answered = true;
  #suspended = false;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => void,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(this.#tick, this.intervalMs);
    // The socket keeps the process alive while it is open; the heartbeat alone must not.
    this.#timer.unref();
  }

  /** A pong or a message arrived. */
  alive(): void {
    this.#answered = true;
  }

  /**
   * While we do not read from the peer (backpressure), its pongs cannot arrive: judging it then would
   * cut off every slow-but-alive reader. The outbound cut-off bounds that state instead.
   */
  suspend(suspended: boolean): void {
    this.#suspended = suspended;
    if (!suspended) this.#answered = true;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  readonly #tick = (): void => {
    if (this.#suspended) return;
    if (!this.#answered) {
      this.stop();
      this.onDead();
      return;
    }
    this.#answered = false;
    this.ping();
  };
}
