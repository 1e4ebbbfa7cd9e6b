/** Decodes `Transfer-Encoding: chunked` across socket reads. */
export class ChunkedDecoder {
  #pending: Buffer = Buffer.alloc(0);
  #left = -1; // bytes of the current chunk still to come; -1 while reading a size line
  #trailer = false;

  /** Feeds bytes; returns true once the last chunk (and its trailer) is read, 'error' on bad framing. */
  feed(chunk: Buffer, emit: (data: Buffer) => void): boolean | 'error' {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = Buffer.alloc(0);
    for (;;) {
      if (this.#left > 0) {
        const take = Math.min(this.#left, data.length);
        if (take > 0) emit(data.subarray(0, take));
        this.#left -= take;
        data = data.subarray(take);
        if (this.#left > 0) return false;
        this.#left = -2; // the CRLF after the chunk
      }
      if (this.#left === -2) {
        if (data.length < 2) {
          this.#pending = data;
          return false;
        }
        data = data.subarray(2);
        this.#left = -1;
      }
      const line = data.indexOf('\r\n');
      if (line < 0) {
        if (data.length > 1024) return 'error';
        this.#pending = data;
        return false;
      }
      const text = data.toString('latin1', 0, line);
      data = data.subarray(line + 2);
      if (this.#trailer) {
        if (text === '') return true;
        continue;
      }
      const size = Number.parseInt(text.split(';')[0] as string, 16);
      if (!Number.isFinite(size) || size < 0) return 'error';
      if (size === 0) {
        this.#trailer = true;
        continue;
      }
      this.#left = size;
    }
  }
}
