import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SchemaDefinitionError, type ValidationResult } from './issues.js';
import { asSerialised, nonFinitePath } from './json-faithful.js';
import { compileJsonSchema } from './json-schema.js';
import { type SchemaIo, standardToJsonSchema } from './standard-json-schema.js';
import { isStandardSchema, standardValidator } from './standard-schema.js';

export { formatIssues, SchemaDefinitionError, type SchemaIssue, type ValidationResult } from './issues.js';
export { isStandardSchema } from './standard-schema.js';

/** A raw JSON Schema: 2020-12 unless `$schema` says draft-07. */
export type JsonSchemaObject = Record<string, unknown>;
/** A tool schema: a Standard Schema (zod 4, valibot, arktype…) or a raw JSON Schema object. */
export type SchemaInput = StandardSchemaV1 | JsonSchemaObject;

export interface CompileOptions {
  /** Which side of a transforming Standard Schema to advertise: arguments are `input`, results `output`. */
  io?: SchemaIo | undefined;
}

export interface CompiledSchema<T = unknown> {
  /** What `tools/list` advertises: a raw JSON Schema exactly as given, a Standard Schema converted. */
  readonly jsonSchema: Record<string, unknown>;
  /** Sync for ajv and the sync Standard Schemas; a Promise only when a Standard Schema's validate is async. */
  validate(value: unknown): ValidationResult<T> | Promise<ValidationResult<T>>;
}

// Keyed by the schema object: a module-level schema registered on a server per session (or on many
// tools) compiles once. Weak, so schemas that go away take their validators with them.
const cache = { input: new WeakMap<object, CompiledSchema>(), output: new WeakMap<object, CompiledSchema>() };

/**
 * Compiles a tool's input or output schema once, at registration; `validate` then runs per call with
 * no further setup. Throws SchemaDefinitionError for a schema erlmcp cannot advertise or validate.
 * Schemas are treated as immutable: mutating one after compiling it is not seen.
 */
export function compileSchema(input: SchemaInput, options: CompileOptions = {}): CompiledSchema {
  const io = options.io ?? 'input';
  if ((typeof input !== 'object' && typeof input !== 'function') || input === null || Array.isArray(input)) {
    throw new SchemaDefinitionError('A schema must be a Standard Schema or a JSON Schema object');
  }
  const memo = cache[io];
  let compiled = memo.get(input);
  if (!compiled) {
    const base = isStandardSchema(input) ? compileStandard(input, io) : compileRaw(input as JsonSchemaObject);
    compiled = Object.freeze({
      jsonSchema: base.jsonSchema,
      validate: io === 'input' ? finiteOnly(base.validate) : asWritten(base.validate),
    });
    memo.set(input, compiled);
  }
  return compiled;
}

type Validate = CompiledSchema['validate'];

/** Arguments: a number JSON cannot hold (`1e400` parses to Infinity) is an issue, whatever the schema. */
function finiteOnly(validate: Validate): Validate {
  return (value) => {
    const path = nonFinitePath(value);
    return path === undefined
      ? validate(value)
      : { ok: false, issues: [{ path, message: 'must be a finite number' }] };
  };
}

/** Results: checked as they will be serialised (Infinity goes on the wire as null). */
function asWritten(validate: Validate): Validate {
  return (value) => validate(asSerialised(value));
}

function compileStandard(schema: StandardSchemaV1, io: SchemaIo): CompiledSchema {
  const jsonSchema = standardToJsonSchema(schema, io);
  assertObjectSchema(jsonSchema, `The ${schema['~standard'].vendor} schema`);
  return { jsonSchema, validate: standardValidator(schema) };
}

// Raw JSON Schema reads the same either way round: its validator is compiled once for both.
const rawValidators = new WeakMap<object, Validate>();

function compileRaw(schema: JsonSchemaObject): CompiledSchema {
  let validate = rawValidators.get(schema);
  if (!validate) {
    assertObjectSchema(schema, 'The JSON Schema');
    validate = compileJsonSchema(schema);
    rawValidators.set(schema, validate);
  }
  return { jsonSchema: schema, validate };
}

/** MCP requires tool input and output schemas to be `"type": "object"` at the top level. */
function assertObjectSchema(jsonSchema: Record<string, unknown>, what: string): void {
  if (jsonSchema.type !== 'object') {
    const got = jsonSchema.type === undefined ? 'no type' : `type ${JSON.stringify(jsonSchema.type)}`;
    throw new SchemaDefinitionError(
      `${what} must describe an object (top-level "type": "object", as MCP requires for tool schemas); it has ${got}`,
    );
  }
}
