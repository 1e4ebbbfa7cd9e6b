/** One dispatched SSE event (only the fields these tests read). */
export interface SseMessage {
  id?: string;
  data: string;
}

/** An SSE response read event by event: `next()` gives the next one, or undefined once it ended. */
export interface SseReader {
  readonly status: number;
  readonly headers: Headers;
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  /** Every event until the stream ends (bounded in time). */
  rest(timeoutMs?: number): Promise<SseMessage[]>;
  close(): Promise<void>;
}

/** Sends a request with fetch and reads its answer as SSE (a JSON answer yields no events). */
export async function openSse(url: string, init: RequestInit): Promise<SseReader> {
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
