import type { StandardSchemaV1 } from '@standard-schema/spec';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  compileSchema,
  formatIssues,
  isStandardSchema,
  SchemaDefinitionError,
  type ValidationResult,
} from './index.js';

/** Asserts the validator answered synchronously (ajv and the common Standard Schemas do). */
function sync<T>(result: ValidationResult<T> | Promise<ValidationResult<T>>): ValidationResult<T> {
  if (result instanceof Promise) throw new Error('expected synchronous validation');
  return result;
}

describe('compileSchema: zod 4', () => {
  const schema = z.object({ city: z.string(), days: z.number().default(3) });

  it('advertises the input side without the default 2020-12 $schema', () => {
    const { jsonSchema } = compileSchema(schema);
    expect(jsonSchema).toEqual({
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'number', default: 3 } },
      required: ['city'],
    });
    // zod hangs a non-enumerable `~standard` on its output; the advertised copy must not carry it.
    expect(isStandardSchema(jsonSchema)).toBe(false);
  });

  it('returns the parsed value, defaults applied', () => {
    expect(sync(compileSchema(schema).validate({ city: 'Oslo' }))).toEqual({
      ok: true,
      value: { city: 'Oslo', days: 3 },
    });
  });

  it('names the failing nested field', () => {
    const nested = z.object({ trip: z.object({ stops: z.array(z.object({ name: z.string() })) }) });
    const result = sync(compileSchema(nested).validate({ trip: { stops: [{ name: 'a' }, { name: 1 }] } }));
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '/trip/stops/1/name', message: 'Invalid input: expected string, received number' }],
    });
    if (!result.ok) {
      expect(formatIssues(result.issues)).toBe(
        'trip/stops/1/name: Invalid input: expected string, received number',
      );
    }
  });

  it('advertises the output side for io: "output" (defaulted fields are required there)', () => {
    const { jsonSchema } = compileSchema(schema, { io: 'output' });
    expect(jsonSchema).toMatchObject({ type: 'object', required: ['city', 'days'] });
    expect(compileSchema(schema, { io: 'output' })).not.toBe(compileSchema(schema, { io: 'input' }));
  });

  it('returns a Promise only for an async schema', async () => {
    const compiled = compileSchema(z.object({ code: z.string().refine(async (code) => code === 'ok') }));
    const pending = compiled.validate({ code: 'no' });
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({ ok: false, issues: [{ path: '/code', message: 'Invalid input' }] });
    expect(await compiled.validate({ code: 'ok' })).toEqual({ ok: true, value: { code: 'ok' } });
  });

  it('rejects what has no JSON Schema or is not an object', () => {
    const transformed = z.object({ n: z.string().transform(Number) });
    expect(compileSchema(transformed).jsonSchema).toMatchObject({ properties: { n: { type: 'string' } } });
    expect(() => compileSchema(transformed, { io: 'output' })).toThrow(
      /Cannot convert the zod schema's output type to JSON Schema: Transforms cannot be represented/,
    );
    expect(() => compileSchema(z.object({ when: z.date() }))).toThrow(SchemaDefinitionError);
    expect(() => compileSchema(z.string())).toThrow(/zod schema must describe an object.*type "string"/);
  });

  it("falls back to the schema's own toJSONSchema() without the Standard JSON Schema extension", () => {
    const modern = z.object({ a: z.string(), d: z.number().default(1) });
    const { validate, vendor, version } = modern['~standard'];
    const legacy: StandardSchemaV1 = Object.create(modern, {
      '~standard': { value: { validate, vendor, version } },
    });
    const compiled = compileSchema(legacy, { io: 'output' });
    expect(compiled.jsonSchema).toMatchObject({ type: 'object', required: ['a', 'd'] });
    expect(compiled.jsonSchema.$schema).toBeUndefined();
    expect(sync(compiled.validate({ a: 'x' }))).toEqual({ ok: true, value: { a: 'x', d: 1 } });
  });
});

describe('compileSchema: valibot', () => {
  it('works through toStandardJsonSchema from @valibot/to-json-schema', () => {
    const compiled = compileSchema(
      toStandardJsonSchema(v.object({ a: v.string(), n: v.optional(v.number(), 5) })),
    );
    expect(compiled.jsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, n: { type: 'number', default: 5 } },
      required: ['a'],
    });
    expect(sync(compiled.validate({ a: 'x' }))).toEqual({ ok: true, value: { a: 'x', n: 5 } });
    // valibot paths are {key} objects; they become pointers too.
    expect(sync(compiled.validate({ a: 1 }))).toEqual({
      ok: false,
      issues: [{ path: '/a', message: 'Invalid type: Expected string but received 1' }],
    });
  });

  it('says how to wrap a bare valibot schema', () => {
    const bare = v.object({ a: v.string() });
    expect(isStandardSchema(bare)).toBe(true);
    expect(() => compileSchema(bare)).toThrow(SchemaDefinitionError);
    expect(() => compileSchema(bare)).toThrow(/toStandardJsonSchema\(schema\) from @valibot\/to-json-schema/);
  });
});

describe('compileSchema: arktype', () => {
  const schema = type({ a: 'string', 'b?': 'number', nested: { c: 'string' } });

  it('converts and validates (arktype types are functions)', () => {
    expect(typeof schema).toBe('function');
    const compiled = compileSchema(schema);
    expect(compiled.jsonSchema).toMatchObject({ type: 'object', required: ['a', 'nested'] });
    expect(compiled.jsonSchema.$schema).toBeUndefined();
    const value = { a: 'x', b: 2, nested: { c: 'y' } };
    expect(sync(compiled.validate(value))).toEqual({ ok: true, value });
  });

  it('names the failing nested field', () => {
    const result = sync(compileSchema(schema).validate({ a: 'x', nested: { c: 3 } }));
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '/nested/c', message: 'nested.c must be a string (was a number)' }],
    });
  });

  it('advertises the input side of a morph, and the output side on request', () => {
    const parsed = type({ n: 'string.numeric.parse' });
    expect(compileSchema(parsed).jsonSchema).toMatchObject({ properties: { n: { type: 'string' } } });
    expect(compileSchema(parsed, { io: 'output' }).jsonSchema).toMatchObject({
      properties: { n: { type: 'number' } },
    });
    expect(sync(compileSchema(parsed).validate({ n: '42' }))).toEqual({ ok: true, value: { n: 42 } });
  });

  it('falls back to .in/.out.toJsonSchema() without the Standard JSON Schema extension', () => {
    const parsed = type({ n: 'string.numeric.parse' });
    const { validate, vendor, version } = parsed['~standard'];
    const legacy = { '~standard': { validate, vendor, version }, in: parsed.in, out: parsed.out };
    expect(compileSchema(legacy).jsonSchema).toMatchObject({ properties: { n: { type: 'string' } } });
    expect(compileSchema(legacy, { io: 'output' }).jsonSchema).toMatchObject({
      properties: { n: { type: 'number' } },
    });
  });
});

describe('isStandardSchema', () => {
  it('needs a ~standard object with a validate function', () => {
    expect(isStandardSchema(z.string())).toBe(true);
    expect(isStandardSchema(type('string'))).toBe(true);
    expect(isStandardSchema({ type: 'object' })).toBe(false);
    expect(isStandardSchema({ '~standard': { vendor: 'x' } })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
  });

  it('an unknown vendor without the extension gets a clear error', () => {
    const custom = {
      '~standard': { version: 1, vendor: 'custom', validate: (value: unknown) => ({ value }) },
    };
    expect(() => compileSchema(custom)).toThrow(/custom schema cannot describe itself as JSON Schema/);
  });
});
