import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNdjson, NdjsonDecoder } from '../../src/transports/framing/ndjson.js';
import { deepTextUpTo, jsonTreeText, stableJson } from './arbitraries.js';

/** What the decoder reports, in order; messages compared by their JSON text (own `__proto__` keys too). */
type Event = { message: string } | { error: 'invalid_json' | 'invalid_utf8' | 'message_too_large' };

function decode(bytes: Uint8Array, cuts: number[], maxMessageBytes: number): Event[] {
  const events: Event[] = [];
  const decoder = new NdjsonDecoder({
    maxMessageBytes,
    onMessage: (value) => events.push({ message: stableJson(value) }),
    onFrameError: (error) => events.push({ error: error.kind }),
  });
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = cuts.length === 0 ? bytes.length : cuts[i % cuts.length]!;
    // A fresh copy per chunk, later overwritten: the decoder must not keep references to our buffer.
    const chunk = Uint8Array.prototype.slice.call(bytes.subarray(offset, offset + size));
    decoder.push(chunk);
    chunk.fill(0x41);
    offset += size;
  }
  decoder.end();
  return events;
}

/**
 * The documented behaviour, written the obvious way over the whole input: split at LF, drop one
 * trailing CR, a line longer than the limit is `message_too_large` (once), blank lines are skipped,
 * invalid UTF-8 is `invalid_utf8` (ParseError, never U+FFFD substitution), non-JSON is `invalid_json`.
 */
function oracle(bytes: Uint8Array, maxMessageBytes: number): Event[] {
  const events: Event[] = [];
  const buffer = Buffer.from(bytes);
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(0x0a, start);
    if (end === -1) end = buffer.length;
    let line = buffer.subarray(start, end);
    start = end + 1;
    if (line.length > maxMessageBytes) {
      events.push({ error: 'message_too_large' });
      continue;
    }
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length === 0) continue;
    if (!isUtf8(line)) {
      events.push({ error: 'invalid_utf8' });
      continue;
    }
    const text = line.toString('utf8');
    try {
      events.push({ message: stableJson(JSON.parse(text)) });
    } catch {
      if (text.trim() !== '') events.push({ error: 'invalid_json' });
    }
  }
  return events;
}

/** Bytes that are mostly line structure and JSON, with invalid UTF-8 sequences thrown in. */
const streamBytes: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: jsonTreeText.map((t) => Buffer.from(encodeNdjson(JSON.parse(t)))) },
      // Deep nesting as text (JSON.stringify of it would overflow the stack; JSON.parse copes).
      { weight: 1, arbitrary: deepTextUpTo(3000).map((t) => Buffer.from(`${t}\n`)) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 12 }) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom('\n', '\r\n', '\r', ' \n', '{', '}', '"', '\\', 'é', '€', '😀', '{"a":1}', '[]\r\n')
          .map((s) => Buffer.from(s)),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            [0xff],
            [0xc3],
            [0xe2, 0x82],
            [0xed, 0xa0, 0x80],
            [0xf4, 0x90, 0x80, 0x80],
            [0xc0, 0xaf],
          )
          .map((b) => Buffer.from(b)),
      },
    ),
    { maxLength: 12 },
  )
  .map((parts) => new Uint8Array(Buffer.concat(parts)));

const cuts = fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 });
const limit = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(1 << 20));

describe('NdjsonDecoder (fuzz)', () => {
  it('gives the documented events for arbitrary bytes, under any chunking and limit', () => {
    fc.assert(
      fc.property(streamBytes, cuts, limit, (bytes, chunking, max) => {
        expect(decode(bytes, chunking, max)).toEqual(oracle(bytes, max));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on raw random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), cuts, limit, (bytes, chunking, max) => {
        expect(decode(bytes, chunking, max)).toEqual(oracle(bytes, max));
      }),
      { numRuns: 1000 },
    );
  });

  it('reports an over-long line once, as message_too_large, and resyncs on the next line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 5 }),
        (max, extra, chunking) => {
          const limit = max + 12; // room for the next line
          const big = Buffer.from(`${JSON.stringify('x'.repeat(limit + extra))}\n`);
          const next = Buffer.from('{"ok":true}\n');
          const events = decode(Buffer.concat([big, next]), chunking, limit);
          expect(events).toEqual([{ error: 'message_too_large' }, { message: '{"ok":true}' }]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays linear on a long line fed one byte at a time', () => {
    const line = Buffer.from(`${JSON.stringify('y'.repeat(200_000))}\n`);
    const started = performance.now();
    const events = decode(line, [1], 1 << 20);
    expect(events).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
