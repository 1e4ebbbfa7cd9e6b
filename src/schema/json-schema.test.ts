import { describe, expect, it } from 'vitest';
import { compileSchema, SchemaDefinitionError, type ValidationResult } from './index.js';

/** Asserts the validator answered synchronously (ajv and the common Standard Schemas do). */
function sync<T>(result: ValidationResult<T> | Promise<ValidationResult<T>>): ValidationResult<T> {
  if (result instanceof Promise) throw new Error('expected synchronous validation');
  return result;
}

describe('compileSchema: raw JSON Schema 2020-12', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    $defs: { address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
    required: ['name'],
    additionalProperties: false,
  };

  it('advertises the object exactly as given, $schema/$defs/additionalProperties included', () => {
    const compiled = compileSchema(schema);
    expect(compiled.jsonSchema).toBe(schema);
    expect(compiled.jsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('validates through a local $ref and returns the value unchanged', () => {
    const value = { name: 'a', address: { city: 'b' } };
    const result = sync(compileSchema(schema).validate(value));
    expect(result).toEqual({ ok: true, value });
    expect(result.ok && result.value).toBe(value);
  });

  it('names the missing nested field', () => {
    expect(sync(compileSchema(schema).validate({ name: 'a', address: {} }))).toEqual({
      ok: false,
      issues: [{ path: '/address/city', message: 'is required' }],
    });
  });

  it('names the field of a type error and of an unexpected property', () => {
    const compiled = compileSchema(schema);
    expect(sync(compiled.validate({ name: 'a', address: { city: 7 } }))).toEqual({
      ok: false,
      issues: [{ path: '/address/city', message: 'must be string' }],
    });
    expect(sync(compiled.validate({ name: 'a', 'x/y': 1 }))).toEqual({
      ok: false,
      issues: [{ path: '/x~1y', message: 'is not an allowed property' }],
    });
  });

  it('treats a schema without $schema as 2020-12 (prefixItems is a 2020-12 keyword)', () => {
    const compiled = compileSchema({
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } },
    });
    expect(sync(compiled.validate({ pair: ['a', 1] })).ok).toBe(true);
    expect(sync(compiled.validate({ pair: ['a', 'b'] }))).toMatchObject({
      ok: false,
      issues: [{ path: '/pair/1' }],
    });
  });

  it('compiles a schema object once per side', () => {
    const shared = { type: 'object', properties: {} };
    expect(compileSchema(shared)).toBe(compileSchema(shared));
    expect(compileSchema(shared, { io: 'output' })).toBe(compileSchema(shared, { io: 'output' }));
    expect(compileSchema(shared, { io: 'output' }).jsonSchema).toBe(compileSchema(shared).jsonSchema);
  });
});

describe('compileSchema: other dialects', () => {
  it('supports draft-07 (array-form items is tuple validation there)', () => {
    const compiled = compileSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { n: { type: 'number' } },
      properties: {
        n: { $ref: '#/definitions/n' },
        pair: { items: [{ type: 'string' }, { type: 'number' }] },
      },
    });
    expect(compiled.jsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(sync(compiled.validate({ n: 1, pair: ['a', 2] })).ok).toBe(true);
    expect(sync(compiled.validate({ n: 'x' }))).toEqual({
      ok: false,
      issues: [{ path: '/n', message: 'must be number' }],
    });
    expect(sync(compiled.validate({ pair: ['a', 'b'] }))).toMatchObject({
      ok: false,
      issues: [{ path: '/pair/1' }],
    });
  });

  it('rejects any other dialect', () => {
    for (const $schema of ['http://json-schema.org/draft-04/schema#', 'https://example.com/my-dialect', 42]) {
      expect(() => compileSchema({ $schema, type: 'object' })).toThrow(SchemaDefinitionError);
      expect(() => compileSchema({ $schema, type: 'object' })).toThrow(/Unsupported JSON Schema dialect/);
    }
  });
});

describe('compileSchema: rejected raw schemas', () => {
  it('never fetches a remote $ref: an unresolvable one fails at compile time', () => {
    const remote = { type: 'object', properties: { a: { $ref: 'https://example.com/remote.json' } } };
    expect(() => compileSchema(remote)).toThrow(SchemaDefinitionError);
    expect(() => compileSchema(remote)).toThrow(/Unresolvable \$ref "https:\/\/example.com\/remote.json"/);
  });

  it("keeps schemas apart: one schema's $id never resolves another's $ref", () => {
    const withId = (type: string) => ({
      $id: 'https://example.com/tool',
      type: 'object',
      $defs: { n: { $id: 'https://example.com/n', type } },
      properties: { a: { $ref: 'https://example.com/n' } },
    });
    const numbers = compileSchema(withId('number'));
    const strings = compileSchema(withId('string')); // same ids again: no "already exists" clash
    expect(sync(numbers.validate({ a: 1 })).ok).toBe(true);
    expect(sync(strings.validate({ a: 's' })).ok).toBe(true);
    expect(sync(strings.validate({ a: 1 })).ok).toBe(false);
    expect(() =>
      compileSchema({ type: 'object', properties: { a: { $ref: 'https://example.com/n' } } }),
    ).toThrow(/Unresolvable \$ref/);
  });

  it('rejects an invalid schema, saying what is wrong', () => {
    expect(() => compileSchema({ type: 'object', properties: { a: { type: 'strin' } } })).toThrow(
      /Invalid JSON Schema: .*type/,
    );
  });

  it('requires a top-level object schema, as MCP does', () => {
    expect(() => compileSchema({ type: 'string' })).toThrow(/must describe an object.*type "string"/);
    expect(() => compileSchema({ properties: {} })).toThrow(/must describe an object.*no type/);
    expect(() => compileSchema([] as unknown as Record<string, unknown>)).toThrow(SchemaDefinitionError);
  });

  it('rejects $async schemas, whose validators would return a rejecting Promise', () => {
    expect(() => compileSchema({ $async: true, type: 'object' })).toThrow(/\$async/);
  });
});
