import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSseEvent } from '../../src/transports/framing/sse.js';
import { type ParsedSseEvent, SseParser } from '../../src/transports/framing/sse-parser.js';

function parse(chunks: readonly string[]): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

function chunk(text: string, cuts: readonly number[]): string[] {
  if (cuts.length === 0) return [text];
  const chunks: string[] = [];
  for (let offset = 0, i = 0; offset < text.length; i++) {
    const size = cuts[i % cuts.length]!;
    chunks.push(text.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/**
 * The WHATWG event-stream algorithm over the whole text, with erlmcp's documented dispatch rule (an
 * event with neither data nor id nor retry is not dispatched). A line ends at CRLF, LF or a lone CR;
 * what follows the last line end is incomplete and, at the end of the stream, discarded.
 */
function oracle(text: string): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  let data: string[] = [];
  let lastId: string | undefined;
  let sawId = false;
  let event: string | undefined;
  let retry: number | undefined;
  const lineEnd = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = lineEnd.exec(text); m !== null; m = lineEnd.exec(text)) {
    const line = text.slice(start, m.index);
    start = m.index + m[0].length;
    if (line === '') {
      if (data.length > 0 || sawId || retry !== undefined)
        events.push({ id: lastId, event, data: data.join('\n'), retry });
      data = [];
      sawId = false;
      event = undefined;
      retry = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) {
      lastId = value;
      sawId = true;
    } else if (field === 'event') event = value;
    else if (field === 'retry' && /^[0-9]+$/.test(value)) retry = Number(value);
  }
  return events;
}

/** Text built mostly from SSE syntax, so that fields, line ends and blank lines are common. */
const sseText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('\n', '\r', '\r\n', '\n\n', '\r\r', 'data', 'data:', 'data: '),
      },
      { weight: 2, arbitrary: fc.constantFrom('id', 'id: ', 'event: ', 'retry: ', ':', ' ', '\0', 'x', '1') },
      { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const cuts = fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 6 });

describe('SseParser (fuzz)', () => {
  it('gives the WHATWG events for any text, whatever the chunking (CR, LF and CRLF line ends)', () => {
    fc.assert(
      fc.property(sseText, cuts, (text, chunking) => {
        expect(parse(chunk(text, chunking))).toEqual(oracle(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary strings, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), cuts, (text, chunking) => {
        expect(parse(chunk(text, chunking))).toEqual(oracle(text));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips encoded events, any data and line breaks inside it, under any chunking', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
    const data = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 30 }),
      fc
        .array(fc.constantFrom('a', ' ', '\n', '\r', '\r\n', 'id: 9', 'event: endpoint', ''), {
          maxLength: 8,
        })
        .map((parts) => parts.join('')),
    );
    const event = fc.record(
      { id, event: fc.stringMatching(/^[a-z]{1,8}$/), data, retry: fc.nat({ max: 100_000 }) },
      { requiredKeys: ['data'] },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 6 }), cuts, (input, chunking) => {
        const wire = input.map((e) => encodeSseEvent(e)).join('');
        const parsed = parse(chunk(wire, chunking));
        expect(parsed).toHaveLength(input.length);
        let lastId: string | undefined;
        parsed.forEach((got, i) => {
          const sent = input[i]!;
          lastId = sent.id ?? lastId;
          // SSE cannot carry a CR in data: every line break arrives as "\n"; nothing else changes.
          expect(got).toEqual({
            id: lastId,
            event: sent.event,
            data: sent.data.replace(/\r\n|\r/g, '\n'),
            retry: sent.retry,
          });
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('stays linear: many short events in one chunk, and one long line in many chunks', () => {
    const many = 'data: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n'.repeat(80_000);
    let started = performance.now();
    expect(parse([many])).toHaveLength(80_000);
    const manyMs = performance.now() - started;

    const long = `data: ${'z'.repeat(16_000_000)}\n\n`;
    started = performance.now();
    const events = parse(chunk(long, [16 * 1024]));
    const longMs = performance.now() - started;
    expect(events).toHaveLength(1);
    expect(events[0]!.data.length).toBe(16_000_000);
    // Generous bounds for a shared 2-core machine; quadratic scanning takes far longer than this.
    expect(manyMs).toBeLessThan(2_000);
    expect(longMs).toBeLessThan(2_000);
  });
});
