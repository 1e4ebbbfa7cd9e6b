import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SchemaDefinitionError, type ValidationResult } from './issues.js';
import { compileJsonSchema } from './json-schema.js';
import { isStandardSchema, standardToJsonSchema, validateStandard } from './standard-schema.js';

export { formatIssues, SchemaDefinitionError, type SchemaIssue, type ValidationResult } from './issues.js';
export { isStandardSchema } from './standard-schema.js';

/** A tool schema: a Standard Schema (zod 4, valibot, arktype) or a raw JSON Schema object. */
export type SchemaInput = StandardSchemaV1 | Record<string, unknown>;

export interface CompiledSchema<T = unknown> {
  /** What `tools/list` advertises. */
  readonly jsonSchema: Record<string, unknown>;
  /** Sync for ajv and the sync Standard Schemas; a Promise only for async Standard Schemas. */
  validate(value: unknown): ValidationResult<T> | Promise<ValidationResult<T>>;
}

/** Compiles once at registration; `validate` then runs per call without further setup. */
export function compileSchema(input: SchemaInput, options: { io?: 'input' | 'output' } = {}): CompiledSchema {
  if (isStandardSchema(input)) {
    const jsonSchema = standardToJsonSchema(input, options.io ?? 'input');
    return { jsonSchema, validate: (value) => validateStandard(input, value) };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SchemaDefinitionError('A schema must be a Standard Schema or a JSON Schema object');
  }
  return { jsonSchema: input, validate: compileJsonSchema(input) };
}
