import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSseEvent } from './sse.js';
import { type ParsedSseEvent, SseParser } from './sse-parser.js';

function parseAll(chunks: string[]): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('SseParser', () => {
  it('parses ids, retry, multi-line data, comments and all line endings', () => {
    const events = parseAll([
      ': keep-alive\n\nid: a.1\nretry: 500\ndata: \n\n',
      'data: {"x":1}\r\ndata: second\r\n\r\n',
      'event: message\rdata: cr\r\r',
      '\n',
    ]);
    expect(events).toEqual([
      { id: 'a.1', event: undefined, data: '', retry: 500 },
      { id: 'a.1', event: undefined, data: '{"x":1}\nsecond', retry: undefined },
      { id: 'a.1', event: 'message', data: 'cr', retry: undefined },
    ]);
  });

  it('round-trips encoded events under any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.stringMatching(/^[a-z0-9.]{1,8}$/), data: fc.json() }), {
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 17 }),
        (input, size) => {
          const wire = input.map((event) => encodeSseEvent(event)).join('');
          const chunks: string[] = [];
          for (let i = 0; i < wire.length; i += size) chunks.push(wire.slice(i, i + size));
          expect(parseAll(chunks).map((event) => ({ id: event.id, data: event.data }))).toEqual(input);
        },
      ),
    );
  });
});
