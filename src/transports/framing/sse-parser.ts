/** A parsed Server-Sent Event. `data` joins multi-line data with "\n". */
export interface ParsedSseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  retry: number | undefined;
}

/**
 * Pure SSE parser (the WHATWG event-stream format): feed decoded text in any chunking, get events out.
 * Comments and unknown fields are ignored; an event with neither data nor id is not dispatched.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #id: string | undefined;
  #event: string | undefined;
  #retry: number | undefined;
  #sawId = false;

  constructor(private readonly onEvent: (event: ParsedSseEvent) => void) {}

  push(text: string): void {
    this.#buffer += text;
    let start = 0;
    for (;;) {
      const lf = this.#buffer.indexOf('\n', start);
      const cr = this.#buffer.indexOf('\r', start);
      if (lf === -1 && cr === -1) break;
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of CRLF: wait for more text.
        if (cr === this.#buffer.length - 1) break;
        end = cr;
        next = this.#buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.#line(this.#buffer.slice(start, end));
      start = next;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  /** End of stream: an unterminated final event is dropped, as the format requires. */
  end(): void {
    this.#buffer = '';
    this.#reset();
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        return;
      case 'id':
        if (!value.includes('\0')) {
          this.#id = value;
          this.#sawId = true;
        }
        return;
      case 'event':
        this.#event = value;
        return;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        return;
      default:
        return;
    }
  }

  #dispatch(): void {
    if (this.#data.length > 0 || this.#sawId || this.#retry !== undefined) {
      this.onEvent({ id: this.#id, event: this.#event, data: this.#data.join('\n'), retry: this.#retry });
    }
    this.#reset();
  }

  #reset(): void {
    this.#data = [];
    this.#event = undefined;
    this.#retry = undefined;
    this.#sawId = false;
  }
}
