import type { FrameError } from '../../core/transport.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import { decodeUtf8Strict } from './utf8.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface NdjsonDecoderOptions {
  /** Largest line accepted; a longer one is dropped up to the next newline (the stream resyncs). */
  maxMessageBytes: number;
  onMessage(value: unknown): void;
  onFrameError(error: FrameError): void;
}

/**
 * Pure newline-delimited JSON decoder: feed bytes, get parsed values. Keeps at most one partial
 * line (as a list of chunks, joined once), so a long line costs linear time whatever the chunking.
 */
export class NdjsonDecoder {
  #partial: Uint8Array[] = [];
  #partialBytes = 0;
  /** True while skipping the rest of an oversize line. */
  #discarding = false;

  constructor(private readonly options: NdjsonDecoderOptions) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      if (this.#discarding) {
        this.#discarding = false;
      } else if (this.#partialBytes + (newline - start) > this.options.maxMessageBytes) {
        this.#tooLarge();
        this.#discarding = false;
      } else if (this.#partial.length === 0) {
        this.#line(chunk.subarray(start, newline));
      } else {
        this.#partial.push(chunk.subarray(start, newline));
        const line = Buffer.concat(this.#partial, this.#partialBytes + (newline - start));
        this.#partial = [];
        this.#partialBytes = 0;
        this.#line(line);
      }
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length && !this.#discarding) {
      const rest = chunk.subarray(start);
      if (this.#partialBytes + rest.length > this.options.maxMessageBytes) {
        this.#tooLarge();
        this.#discarding = true;
      } else {
        // Copy: the caller may reuse its buffer after push() returns.
        this.#partial.push(Uint8Array.prototype.slice.call(rest));
        this.#partialBytes += rest.length;
      }
    }
  }

  /** End of input: a final line without a newline still counts. */
  end(): void {
    if (this.#partial.length > 0 && !this.#discarding) {
      const line = Buffer.concat(this.#partial, this.#partialBytes);
      this.#line(line);
    }
    this.#partial = [];
    this.#partialBytes = 0;
    this.#discarding = false;
  }

  #tooLarge(): void {
    this.#partial = [];
    this.#partialBytes = 0;
    this.options.onFrameError({
      kind: 'message_too_large',
      message: `Message exceeds the limit of ${this.options.maxMessageBytes} bytes`,
    });
  }

  #line(bytes: Uint8Array): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end === 0) return;
    const line = end === bytes.length ? bytes : bytes.subarray(0, end);
    const text = decodeUtf8Strict(line);
    if (text === undefined) {
      this.options.onFrameError({ kind: 'invalid_utf8', message: 'Parse error: message is not valid UTF-8' });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (text.trim().length === 0) return;
      this.options.onFrameError({
        kind: 'invalid_json',
        message: `Parse error: ${(error as Error).message}`,
      });
      return;
    }
    this.options.onMessage(value);
  }
}

/** One message as one line. JSON.stringify escapes newlines inside strings, so none can leak in. */
export function encodeNdjson(message: unknown): string {
  return `${encodeMessage(message)}\n`;
}
