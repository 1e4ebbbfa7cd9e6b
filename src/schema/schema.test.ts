import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSchema, formatIssues, SchemaDefinitionError, type ValidationResult } from './index.js';

const sync = <T>(result: ValidationResult<T> | Promise<ValidationResult<T>>): ValidationResult<T> => {
  if (result instanceof Promise) throw new Error('expected synchronous validation');
  return result;
};

describe('compileSchema: raw JSON Schema', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    $defs: { address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
    required: ['name'],
    additionalProperties: false,
  };

  it('advertises the schema as given and validates with $defs/$ref', () => {
    const compiled = compileSchema(schema);
    expect(compiled.jsonSchema).toBe(schema);
    expect(sync(compiled.validate({ name: 'a', address: { city: 'b' } }))).toEqual({
      ok: true,
      value: { name: 'a', address: { city: 'b' } },
    });
    const nested = sync(compiled.validate({ name: 'a', address: {} }));
    expect(nested).toEqual({
      ok: false,
      issues: [{ path: '/address/city', message: "must have required property 'city'" }],
    });
    expect(sync(compiled.validate({ name: 'a', extra: 1 })).ok).toBe(false);
  });

  it('supports draft-07 and rejects unknown dialects, remote $refs and runaway nesting', () => {
    const draft07 = compileSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { n: { type: 'number' } },
    });
    expect(sync(draft07.validate({ n: 'x' })).ok).toBe(false);
    expect(() => compileSchema({ $schema: 'https://example.com/my-dialect' })).toThrow(SchemaDefinitionError);
    expect(() =>
      compileSchema({ type: 'object', properties: { a: { $ref: 'https://example.com/remote.json' } } }),
    ).toThrow(SchemaDefinitionError);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 70; i++) deep = { type: 'object', properties: { a: deep } };
    expect(() => compileSchema(deep)).toThrow(/deeper than/);
  });
});

describe('compileSchema: Standard Schema', () => {
  it('zod 4: converts to JSON Schema without the default $schema and applies defaults', () => {
    const compiled = compileSchema(z.object({ city: z.string(), days: z.number().default(3) }));
    expect(compiled.jsonSchema).toMatchObject({ type: 'object', required: ['city'] });
    expect(compiled.jsonSchema.$schema).toBeUndefined();
    expect(sync(compiled.validate({ city: 'Oslo' }))).toEqual({ ok: true, value: { city: 'Oslo', days: 3 } });
    const failed = sync(compiled.validate({ city: 1 }));
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(formatIssues(failed.issues)).toMatch(/^city: /);
  });

  it('valibot through toStandardJsonSchema, and a clear error without it', () => {
    const compiled = compileSchema(toStandardJsonSchema(v.object({ a: v.string() })));
    expect(compiled.jsonSchema).toMatchObject({ type: 'object', properties: { a: { type: 'string' } } });
    expect(sync(compiled.validate({ a: 1 })).ok).toBe(false);
    expect(() => compileSchema(v.object({ a: v.string() }))).toThrow(/toStandardJsonSchema/);
  });

  it('arktype', () => {
    const compiled = compileSchema(type({ a: 'string', 'b?': 'number' }));
    expect(compiled.jsonSchema).toMatchObject({ type: 'object', required: ['a'] });
    expect(sync(compiled.validate({ a: 'x', b: 2 }))).toEqual({ ok: true, value: { a: 'x', b: 2 } });
    const failed = sync(compiled.validate({ a: 3 }));
    expect(failed.ok ? [] : failed.issues.map((issue) => issue.path)).toEqual(['/a']);
  });
});
