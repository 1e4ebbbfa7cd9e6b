import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSchema } from './index.js';
import { asSerialised, nonFinitePath } from './json-faithful.js';

const sync = <T>(value: T | Promise<T>): T => {
  if (value instanceof Promise) throw new Error('expected a synchronous verdict');
  return value;
};

describe('nonFinitePath', () => {
  it('finds NaN and ±Infinity anywhere, as a JSON Pointer', () => {
    expect(nonFinitePath({ a: 1, b: [2, { 'c/d': Number.POSITIVE_INFINITY }] })).toBe('/b/1/c~1d');
    expect(nonFinitePath([Number.NaN])).toBe('/0');
    expect(nonFinitePath(JSON.parse('{"n":-1e400}'))).toBe('/n');
    expect(nonFinitePath(Number.NEGATIVE_INFINITY)).toBe('');
    expect(nonFinitePath({ a: [1, 2.5, -0, 1e308], b: 'Infinity' })).toBeUndefined();
  });

  it('walks any depth without recursion', () => {
    let deep: unknown = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nonFinitePath(deep)?.length).toBe(400_000);
  });
});

describe('asSerialised', () => {
  it('returns the value itself when JSON changes nothing', () => {
    const value = { a: [1, 'x', null, { b: true }], c: undefined };
    expect(asSerialised(value)).toBe(value);
  });

  it('returns what the wire will carry otherwise', () => {
    expect(asSerialised({ n: Number.POSITIVE_INFINITY })).toEqual({ n: null });
    expect(asSerialised([undefined])).toEqual([null]);
    expect(asSerialised({ at: new Date(0) })).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('leaves what JSON cannot serialise for the writer to report', () => {
    const value = { n: 1n };
    expect(asSerialised(value)).toBe(value);
  });
});

describe('compiled schemas apply the number rule', () => {
  const raw = { type: 'object', properties: { n: { type: 'number' } } };

  it('refuses non-finite arguments, with raw JSON Schema and Standard Schema alike', () => {
    for (const schema of [raw, z.object({ n: z.number() })]) {
      const verdict = sync(compileSchema(schema, { io: 'input' }).validate({ n: JSON.parse('1e400') }));
      expect(verdict).toMatchObject({ ok: false, issues: [{ path: '/n' }] });
      expect(sync(compileSchema(schema, { io: 'input' }).validate({ n: 1e300 })).ok).toBe(true);
    }
  });

  it('checks results as they will be serialised', () => {
    const output = compileSchema(raw, { io: 'output' });
    expect(sync(output.validate({ n: Number.POSITIVE_INFINITY }))).toMatchObject({
      ok: false,
      issues: [{ path: '/n' }],
    });
    const nullable = compileSchema(
      { type: 'object', properties: { n: { type: ['number', 'null'] } } },
      { io: 'output' },
    );
    expect(sync(nullable.validate({ n: Number.NaN })).ok).toBe(true);
  });
});
