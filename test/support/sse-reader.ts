/** One SSE event as a client sees it. */
export interface SseEvent {
  id: string | undefined;
  data: string;
}

/**
 * A GET stream read with fetch: collects events as they arrive, remembers the last event id, and
 * can be cut (as a lost connection) with `abort()`. Events with an empty data field (priming) are
 * kept too; `messages()` gives the JSON-RPC messages only.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly status: Promise<number>;
  readonly #controller = new AbortController();
  #ended = false;

  constructor(url: string, headers: Record<string, string>) {
    this.status = fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: this.#controller.signal,
    }).then((response) => {
      void this.#read(response).catch(() => {});
      return response.status;
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The id of the last event received with one (what a client resumes from). */
  get lastEventId(): string | undefined {
    return this.events.findLast((event) => event.id !== undefined)?.id;
  }

  messages(): { method?: string; id?: unknown }[] {
    return this.events.filter((event) => event.data !== '').map((event) => JSON.parse(event.data));
  }

  abort(): void {
    this.#controller.abort();
  }

  async #read(response: Response): Promise<void> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.#event(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } finally {
      this.#ended = true;
    }
  }

  #event(block: string): void {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (id === undefined && data.length === 0) return; // a comment (keep-alive) or retry alone
    this.events.push({ id, data: data.join('\n') });
  }
}
