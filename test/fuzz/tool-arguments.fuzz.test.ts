import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSchema, formatIssues, type ValidationResult } from '../../src/schema/index.js';
import {
  deepTextUpTo,
  hostileJson,
  numberText,
  parseJson,
  stringText,
  TRICKY_KEYS,
  trickyKey,
} from './arbitraries.js';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const own = (x: Record<string, unknown>, key: string) => (Object.hasOwn(x, key) ? x[key] : undefined);
const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x);
/**
 * erlmcp's number rule on top of every schema: JSON cannot carry NaN or ±Infinity (`1e400` parses to
 * Infinity), so arguments holding one fail validation whatever the library says (src/schema).
 */
function allFinite(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node === 'number' && !Number.isFinite(node)) return false;
    if (typeof node === 'object' && node !== null) pending.push(...Object.values(node));
  }
  return true;
}

/** The same tool arguments in every dialect: { name: string≥1, age?: int≥0, tags?: string[]≤3, mode?: a|b }. */
const zodSchema = z.object({
  name: z.string().min(1),
  age: z.number().int().min(0).optional(),
  tags: z.array(z.string()).max(3).optional(),
  mode: z.enum(['a', 'b']).optional(),
});
const valibotBase = v.object({
  name: v.pipe(v.string(), v.minLength(1)),
  age: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  tags: v.optional(v.pipe(v.array(v.string()), v.maxLength(3))),
  mode: v.optional(v.picklist(['a', 'b'])),
});
const valibotSchema = toStandardJsonSchema(valibotBase);
const arkSchema = type({
  name: 'string >= 1',
  'age?': 'number.integer >= 0',
  'tags?': 'string[] <= 3',
  'mode?': "'a' | 'b'",
});
const jsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    mode: { enum: ['a', 'b'] },
  },
  required: ['name'],
};

const DIALECTS = { zod: zodSchema, valibot: valibotSchema, arktype: arkSchema, json: jsonSchema };

/** JSON Schema semantics written out by hand: only the object's own members count. */
function reference(x: unknown): boolean {
  if (!isRecord(x)) return false;
  const name = own(x, 'name');
  if (typeof name !== 'string' || [...name].length < 1) return false;
  const age = own(x, 'age');
  if (age !== undefined && !(isInt(age) && (age as number) >= 0)) return false;
  const tags = own(x, 'tags');
  if (
    tags !== undefined &&
    !(Array.isArray(tags) && tags.length <= 3 && tags.every((t) => typeof t === 'string'))
  )
    return false;
  const mode = own(x, 'mode');
  return mode === undefined || mode === 'a' || mode === 'b';
}

/** Values near the schema's shape (every field sometimes wrong), as parsed JSON. */
const nearValid: fc.Arbitrary<unknown> = fc
  .record(
    {
      name: fc.oneof(stringText, numberText, fc.constantFrom('null', '""', '"😀"', '[]')),
      age: fc.oneof(numberText, fc.constantFrom('"1"', 'null', 'true')),
      tags: fc.oneof(
        fc.array(stringText, { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
        fc.constantFrom('[1]', '"a"', '{}', '[null]'),
      ),
      mode: fc.constantFrom('"a"', '"b"', '"c"', '1', 'null'),
      extra: fc.array(fc.tuple(trickyKey, stringText), { maxLength: 2 }),
    },
    { requiredKeys: ['extra'] },
  )
  .map(({ extra, ...fields }) => {
    const members = Object.entries(fields).map(([k, val]) => `${JSON.stringify(k)}:${val}`);
    for (const [k, val] of extra) members.push(`${JSON.stringify(k)}:${val}`);
    return JSON.parse(`{${members.join(',')}}`) as unknown;
  });

const anyArguments = fc.oneof({ weight: 3, arbitrary: nearValid }, { weight: 1, arbitrary: hostileJson });

const POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;

function validateSync(
  schema: Parameters<typeof compileSchema>[0],
  value: unknown,
): ValidationResult<unknown> {
  const result = compileSchema(schema).validate(value);
  if (result instanceof Promise) throw new Error('expected a synchronous validator');
  return result;
}

/** Never throws; a verdict with a value, or issues that are JSON Pointers with messages. */
function checkShape(result: ValidationResult<unknown>): void {
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.path).toMatch(POINTER);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
  expect(typeof formatIssues(result.issues)).toBe('string');
}

describe('tool-argument validation (fuzz)', () => {
  it('zod: never throws, agrees with zod, and with JSON Schema semantics', () => {
    fc.assert(
      fc.property(anyArguments, (value) => {
        const result = validateSync(zodSchema, value);
        checkShape(result);
        expect(result.ok).toBe(zodSchema.safeParse(value).success && allFinite(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('valibot: never throws and agrees with valibot', () => {
    fc.assert(
      fc.property(anyArguments, (value) => {
        const result = validateSync(valibotSchema, value);
        checkShape(result);
        expect(result.ok).toBe(v.safeParse(valibotBase, value).success && allFinite(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('arktype: never throws and agrees with arktype', () => {
    fc.assert(
      fc.property(anyArguments, (value) => {
        const result = validateSync(arkSchema, value);
        checkShape(result);
        expect(result.ok).toBe(!(arkSchema(value) instanceof type.errors) && allFinite(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('raw JSON Schema (ajv): never throws and agrees with the JSON Schema semantics', () => {
    fc.assert(
      fc.property(anyArguments, (value) => {
        const result = validateSync(jsonSchema, value);
        checkShape(result);
        expect(result.ok).toBe(reference(value) && allFinite(value));
      }),
      { numRuns: 1500 },
    );
  });

  it('the four dialects of one schema give the same verdict', () => {
    fc.assert(
      fc.property(nearValid, (value) => {
        // zod's int() means a *safe* integer; the other dialects accept 2^53 and beyond.
        const age = isRecord(value) ? own(value, 'age') : undefined;
        fc.pre(!(isInt(age) && !Number.isSafeInteger(age)));
        const verdicts = [zodSchema, valibotSchema, arkSchema, jsonSchema].map(
          (s) => validateSync(s, value).ok,
        );
        expect(new Set(verdicts).size, JSON.stringify({ value, verdicts })).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('raw JSON Schema: an argument named like an Object.prototype member is present only when given', () => {
    // JSON Schema's `properties` and `required` speak of the instance's own members.
    const protoSchema = {
      type: 'object',
      properties: { constructor: { type: 'string' }, toString: { type: 'integer' } },
      required: ['valueOf'],
    };
    const protoReference = (x: Record<string, unknown>) =>
      Object.hasOwn(x, 'valueOf') &&
      (!Object.hasOwn(x, 'constructor') || typeof x.constructor === 'string') &&
      (!Object.hasOwn(x, 'toString') || isInt(x.toString));
    const args = fc
      .record(
        {
          constructor: fc.oneof(stringText, numberText),
          toString: fc.oneof(stringText, numberText),
          valueOf: fc.oneof(stringText, numberText),
        },
        { requiredKeys: [] },
      )
      .map(
        (r) =>
          JSON.parse(`{${Object.entries(r).map(([k, val]) => `"${k}":${val}`)}}`) as Record<string, unknown>,
      );
    fc.assert(
      fc.property(args, (value) => {
        const result = validateSync(protoSchema, value);
        checkShape(result);
        expect(result.ok, JSON.stringify(value)).toBe(protoReference(value) && allFinite(value));
      }),
      { numRuns: 300 },
    );
  });

  it('recursive schemas: deep arguments give issues, a value, or a stack-overflow RangeError only', async () => {
    // A recursive schema must recurse over a recursive value. erlmcp's contract (src/jsonrpc/nesting.ts):
    // the validator may overflow the stack, and the request boundary answers that RangeError with
    // -32602 naming the field. Any other exception would escape that mapping as -32603.
    type Node = { child?: Node | undefined };
    const zodTree: z.ZodType<Node> = z.lazy(() => z.object({ child: zodTree.optional() }));
    const jsonTree = {
      type: 'object',
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      properties: { child: { $ref: '#/$defs/node' } },
    };
    const schemas = { zod: zodTree, json: jsonTree };
    const deep = fc
      .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('{}', '1'))
      .map(([depth, leaf]) => parseJson('{"child":'.repeat(depth) + leaf + '}'.repeat(depth)));
    await fc.assert(
      fc.asyncProperty(deep, fc.constantFrom('zod', 'json' as const), async (value, dialect) => {
        let result: ValidationResult<unknown>;
        try {
          // zod answers a sync stack overflow by retrying async: the result may be a Promise.
          result = await compileSchema(schemas[dialect]).validate(value);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toMatch(/call stack/i);
          return;
        }
        checkShape(result);
      }),
      { numRuns: 60 },
    );
  });

  it('deep hostile values against flat schemas never throw', () => {
    fc.assert(
      fc.property(
        deepTextUpTo(20_000).map((t) => parseJson(`{"name":"n","tags":${t},"extra":${t}}`)),
        fc.constantFrom('zod', 'valibot', 'arktype', 'json' as const),
        (value, dialect) => {
          checkShape(validateSync(DIALECTS[dialect], value));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keys that collide with prototype names never throw in any dialect', () => {
    const value = fc
      .array(fc.tuple(fc.constantFrom(...TRICKY_KEYS), fc.oneof(stringText, numberText)), { maxLength: 6 })
      .map(
        (pairs) =>
          JSON.parse(
            `{"name":"n",${pairs.map(([k, val]) => `${JSON.stringify(k)}:${val}`).join(',')}}`.replace(
              ',}',
              '}',
            ),
          ) as unknown,
      );
    fc.assert(
      fc.property(
        value,
        fc.constantFrom<object>(zodSchema, valibotSchema, arkSchema, jsonSchema),
        (x, schema) => {
          checkShape(validateSync(schema as Parameters<typeof compileSchema>[0], x));
        },
      ),
      { numRuns: 500 },
    );
  });
});
