import { describe, expect, it } from 'vitest';
import { compileSchema, SchemaDefinitionError, type ValidationResult } from './index.js';
import { checkSchemaLimits, MAX_SCHEMA_DEPTH, MAX_SUBSCHEMAS } from './limits.js';

/** Asserts the validator answered synchronously (ajv and the common Standard Schemas do). */
function sync<T>(result: ValidationResult<T> | Promise<ValidationResult<T>>): ValidationResult<T> {
  if (result instanceof Promise) throw new Error('expected synchronous validation');
  return result;
}

/** `levels` object schemas nested through `properties.a`. */
function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { a: schema } };
  return schema;
}

describe('schema limits', () => {
  it(`rejects nesting deeper than ${MAX_SCHEMA_DEPTH} levels`, () => {
    expect(() => compileSchema(nested(MAX_SCHEMA_DEPTH + 1))).toThrow(SchemaDefinitionError);
    expect(() => compileSchema(nested(MAX_SCHEMA_DEPTH + 1))).toThrow(/deeper than 64 levels/);
    // Deep enough to overflow a recursive walk: still a clean SchemaDefinitionError.
    expect(() => compileSchema(nested(100_000))).toThrow(/deeper than/);
  });

  it('counts schema levels, not JSON objects: 64 levels still compile and validate', () => {
    const compiled = compileSchema(nested(MAX_SCHEMA_DEPTH));
    let value: unknown = 'leaf';
    for (let i = 0; i < MAX_SCHEMA_DEPTH; i++) value = { a: value };
    expect(sync(compiled.validate(value)).ok).toBe(true);
  });

  it(`rejects more than ${MAX_SUBSCHEMAS} subschemas`, () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_SUBSCHEMAS }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    expect(() => compileSchema({ type: 'object', properties })).toThrow(/more than 10000 subschemas/);
  });

  it('stops on a reference cycle in a non-JSON object graph', () => {
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    const loop: unknown[] = [];
    loop.push(loop);
    expect(() => checkSchemaLimits(cyclic)).toThrow(SchemaDefinitionError);
    expect(() => checkSchemaLimits({ enum: loop })).toThrow(/more than/);
  });
});
