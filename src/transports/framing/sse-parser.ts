/** A parsed Server-Sent Event. `data` joins multi-line data with "\n". */
export interface ParsedSseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
  retry: number | undefined;
}

const LF = 0x0a;

/**
 * Pure SSE parser (the WHATWG event-stream format): feed decoded text in any chunking, get events out.
 * Comments and unknown fields are ignored; an event with neither data nor id is not dispatched.
 */
export class SseParser {
  /** Pieces of the current unterminated line, joined once when its line end arrives. */
  #pending: string[] = [];
  /** The last chunk ended with CR: a LF opening the next chunk is the second half of that CRLF. */
  #skipLf = false;
  #data: string[] = [];
  #id: string | undefined;
  #event: string | undefined;
  #retry: number | undefined;
  #sawId = false;

  constructor(private readonly onEvent: (event: ParsedSseEvent) => void) {}

  push(text: string): void {
    if (text.length === 0) return;
    let start = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    // Each chunk is scanned once. Re-scanning a growing buffer on every push (and for CR after every
    // line) was quadratic: a 16 MB result line in 16 KiB chunks took seconds of CPU.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      let next = end + 1;
      if (end === cr) {
        // A lone CR ends a line at once (a blank line dispatches its event now, not when more text
        // comes or never, at the end of the stream); a LF opening the next chunk then completes it.
        if (next === text.length) this.#skipLf = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      this.#line(this.#take(text, start, end));
      start = next;
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    }
    if (start < text.length) this.#pending.push(text.slice(start));
  }

  /** End of stream: an unterminated final event is dropped, as the format requires. */
  end(): void {
    this.#pending = [];
    this.#skipLf = false;
    this.#reset();
  }

  #take(text: string, start: number, end: number): string {
    if (this.#pending.length === 0) return text.slice(start, end);
    this.#pending.push(text.slice(start, end));
    const line = this.#pending.join('');
    this.#pending = [];
    return line;
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
