import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Classified, classify } from '../../src/jsonrpc/message.js';
import { hostileJson, messageLike } from './arbitraries.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isRequestId = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
const has = (o: Record<string, unknown>, key: string) => Object.hasOwn(o, key);

/** What JSON-RPC 2.0 (and MCP: no null request ids, no batches on streams) says of each verdict. */
function checkVerdict(value: unknown, verdict: Classified): void {
  switch (verdict.kind) {
    case 'request': {
      expect(verdict.message).toBe(value);
      const m = value as Record<string, unknown>;
      expect(m.jsonrpc).toBe('2.0');
      expect(typeof m.method === 'string' && m.method.length > 0).toBe(true);
      expect(isRequestId(m.id)).toBe(true);
      expect(m.params === undefined || isPlainObject(m.params)).toBe(true);
      return;
    }
    case 'notification': {
      expect(verdict.message).toBe(value);
      const m = value as Record<string, unknown>;
      expect(m.jsonrpc).toBe('2.0');
      expect(typeof m.method === 'string' && m.method.length > 0).toBe(true);
      expect(has(m, 'id')).toBe(false);
      expect(m.params === undefined || isPlainObject(m.params)).toBe(true);
      return;
    }
    case 'response': {
      expect(verdict.message).toBe(value);
      const m = value as Record<string, unknown>;
      expect(m.jsonrpc).toBe('2.0');
      expect(has(m, 'method')).toBe(false);
      expect(isRequestId(m.id) || m.id === null).toBe(true);
      // JSON-RPC 2.0 §5: exactly one of result and error.
      expect(has(m, 'result') !== has(m, 'error')).toBe(true);
      if (has(m, 'error')) {
        const error = m.error as Record<string, unknown>;
        expect(isPlainObject(error)).toBe(true);
        // §5.1: the code MUST be an integer.
        expect(Number.isInteger(error.code)).toBe(true);
        expect(typeof error.message).toBe('string');
      } else {
        expect(isPlainObject(m.result)).toBe(true);
      }
      return;
    }
    case 'invalid': {
      expect(typeof verdict.reason).toBe('string');
      // The error answer's id is null or the message's own (valid) id, never anything else.
      if (verdict.id !== null) {
        expect(isPlainObject(value)).toBe(true);
        expect(verdict.id).toBe((value as Record<string, unknown>).id);
        expect(isRequestId(verdict.id)).toBe(true);
      }
      if (!isPlainObject(value)) expect(verdict.id).toBeNull();
      // A malformed response's id is one of *our* request ids: echoing it would let the peer match
      // the error against its own pending request of that id.
      else if (value.method === undefined && (has(value, 'result') || has(value, 'error')))
        expect(verdict.id).toBeNull();
      return;
    }
  }
}

describe('classify (fuzz)', () => {
  it('never throws and gives a consistent verdict for any JSON value', () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        checkVerdict(value, classify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws and gives a consistent verdict for message-shaped objects', () => {
    fc.assert(
      fc.property(messageLike, (value) => {
        checkVerdict(value, classify(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws for non-JSON JavaScript values either (null prototypes, undefined, NaN, -0)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true }), (value) => {
        checkVerdict(value, classify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(messageLike, (value) => {
        expect(classify(value)).toEqual(classify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts every well-formed request, notification and response', () => {
    const id = fc.oneof(fc.integer(), fc.string(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, 1e300));
    const method = fc.string({ minLength: 1, maxLength: 20 });
    const params = fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { nil: undefined });
    const withParams = <T extends Record<string, unknown>>(m: T, p: unknown) =>
      p === undefined ? m : { ...m, params: p };
    fc.assert(
      fc.property(id, method, params, (i, m, p) => {
        expect(classify(withParams({ jsonrpc: '2.0', id: i, method: m }, p)).kind).toBe('request');
        expect(classify(withParams({ jsonrpc: '2.0', method: m }, p)).kind).toBe('notification');
        expect(classify({ jsonrpc: '2.0', id: i, result: p ?? {} }).kind).toBe('response');
        expect(classify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: m } }).kind).toBe(
          'response',
        );
      }),
      { numRuns: 500 },
    );
  });
});
