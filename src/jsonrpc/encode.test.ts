import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantPart, encodeMessage } from './encode.js';

const serverMeta = constantPart(
  Object.freeze({ 'io.modelcontextprotocol/serverInfo': Object.freeze({ name: 's "q"', version: '1' }) }),
);

describe('encodeMessage', () => {
  it('splices a registered constant _meta and reads back exactly like JSON.stringify', () => {
    const result = { resultType: 'complete', content: [{ type: 'text', text: 'hi\n"' }], _meta: serverMeta };
    const message = { jsonrpc: '2.0', id: 'a"b\\', result };
    const text = encodeMessage(message);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(message)));
    expect(text.endsWith(`"_meta":${JSON.stringify(serverMeta)}}}`)).toBe(true);
    // The result is left as it was.
    expect(result._meta).toBe(serverMeta);
    expect(JSON.parse(encodeMessage({ jsonrpc: '2.0', id: 1, result: { _meta: serverMeta } }))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { _meta: JSON.parse(JSON.stringify(serverMeta)) },
    });
  });

  it('is JSON.stringify for everything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const message = { jsonrpc: '2.0', id: 3, result: { value, _meta: { other: true } } };
        expect(encodeMessage(message)).toBe(JSON.stringify(message));
        expect(encodeMessage(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('throws what JSON.stringify throws, and leaves the result intact', () => {
    const result = { n: 1n, _meta: serverMeta };
    expect(() => encodeMessage({ jsonrpc: '2.0', id: 1, result })).toThrow(TypeError);
    expect(result._meta).toBe(serverMeta);
  });
});
