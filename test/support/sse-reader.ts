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

// --- pulled one event at a time (a POST's answer, a resumption) ---

/** One dispatched SSE event (only the fields these tests read). */
export interface SseMessage {
  id?: string;
  data: string;
}

/** An SSE response read event by event: `next()` gives the next one, or undefined once it ended. */
export interface SsePull {
  readonly status: number;
  readonly headers: Headers;
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  /** Every event until the stream ends (bounded in time). */
  rest(timeoutMs?: number): Promise<SseMessage[]>;
  close(): Promise<void>;
}

/** Sends a request with fetch and reads its answer as SSE (a JSON answer yields no events). */
export async function openSse(url: string, init: RequestInit): Promise<SsePull> {
  const response = await fetch(url, init);
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queued: SseMessage[] = [];
  let ended = reader === undefined;

  /** Moves every complete event block of the buffer to the queue (comments and retry-only blocks skipped). */
  const parse = () => {
    buffer = buffer.replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseMessage = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) event.id = line.slice(3).trim();
        else if (line.startsWith('data:')) {
          event.data += (hasData ? '\n' : '') + line.slice(5).replace(/^ /, '');
          hasData = true;
        }
      }
      if (hasData) queued.push(event);
      end = buffer.indexOf('\n\n');
    }
  };

  const next = async (timeoutMs = 5000): Promise<SseMessage | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (queued.length === 0 && !ended) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no SSE event in time')), deadline - Date.now());
      });
      try {
        const { value, done } = await Promise.race([reader!.read(), timeout]);
        if (done) ended = true;
        else buffer += value;
        parse();
      } finally {
        clearTimeout(timer);
      }
    }
    return queued.shift();
  };

  return {
    status: response.status,
    headers: response.headers,
    next,
    async rest(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      const events: SseMessage[] = [];
      for (let event = await next(timeoutMs); event; event = await next(deadline - Date.now()))
        events.push(event);
      return events;
    },
    async close() {
      await reader?.cancel().catch(() => {});
    },
  };
}
