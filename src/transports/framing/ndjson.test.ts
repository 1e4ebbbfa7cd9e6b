import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameError } from '../../core/transport.js';
import { encodeNdjson, NdjsonDecoder } from './ndjson.js';

function collect(maxMessageBytes = 1024) {
  const messages: unknown[] = [];
  const errors: FrameError['kind'][] = [];
  const decoder = new NdjsonDecoder({
    maxMessageBytes,
    onMessage: (value) => messages.push(value),
    onFrameError: (error) => errors.push(error.kind),
  });
  return { decoder, messages, errors };
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('NdjsonDecoder', () => {
  it('round-trips any messages under any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (values, cuts) => {
          const wire = bytes(values.map(encodeNdjson).join(''));
          const { decoder, messages, errors } = collect(1 << 20);
          let offset = 0;
          for (let i = 0; offset < wire.length; i++) {
            const size = cuts[i % cuts.length]!;
            decoder.push(wire.subarray(offset, offset + size));
            offset += size;
          }
          decoder.end();
          expect(errors).toEqual([]);
          // JSON normalises -0 to 0; compare through JSON as the wire does.
          expect(messages).toEqual(values.map((value) => JSON.parse(JSON.stringify(value))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts CRLF and skips blank lines', () => {
    const { decoder, messages } = collect();
    decoder.push(bytes('{"a":1}\r\n\n   \n{"b":2}\n'));
    expect(messages).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reports invalid JSON and goes on with the next line', () => {
    const { decoder, messages, errors } = collect();
    decoder.push(bytes('{not json}\n{"ok":true}\n'));
    expect(errors).toEqual(['invalid_json']);
    expect(messages).toEqual([{ ok: true }]);
  });

  it('drops an oversize line once and resyncs at the next newline', () => {
    const { decoder, messages, errors } = collect(16);
    decoder.push(bytes(`{"big":"${'x'.repeat(10)}`));
    decoder.push(bytes('x'.repeat(40)));
    decoder.push(bytes('"}\n{"n":1}\n'));
    expect(errors).toEqual(['message_too_large']);
    expect(messages).toEqual([{ n: 1 }]);
  });

  it('drops an oversize line that arrives whole in one chunk', () => {
    const { decoder, messages, errors } = collect(8);
    decoder.push(bytes(`{"a":"${'y'.repeat(20)}"}\n{"n":2}\n`));
    expect(errors).toEqual(['message_too_large']);
    expect(messages).toEqual([{ n: 2 }]);
  });

  it('reports invalid UTF-8 and decodes the following line', () => {
    const { decoder, messages, errors } = collect();
    decoder.push(Buffer.concat([bytes('{"a":"'), Buffer.from([0xff, 0xfe]), bytes('"}\n{"b":1}\n')]));
    expect(errors).toEqual(['invalid_utf8']);
    expect(messages).toEqual([{ b: 1 }]);
  });

  it('joins a multi-byte character split across chunks', () => {
    const { decoder, messages } = collect();
    const wire = bytes('{"s":"héllo €"}\n');
    const euro = wire.indexOf(0xe2);
    decoder.push(wire.subarray(0, euro + 1));
    decoder.push(wire.subarray(euro + 1));
    expect(messages).toEqual([{ s: 'héllo €' }]);
  });

  it('treats a final unterminated line as a message on end()', () => {
    const { decoder, messages } = collect();
    decoder.push(bytes('{"last":true}'));
    expect(messages).toEqual([]);
    decoder.end();
    expect(messages).toEqual([{ last: true }]);
  });

  it('encodes one message per line even with newlines inside strings', () => {
    const line = encodeNdjson({ text: 'a\nb' });
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });
});
