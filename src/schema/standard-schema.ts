import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { SchemaDefinitionError, type SchemaIssue, type ValidationResult } from './issues.js';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { validate?: unknown } } | null)?.['~standard'];
  return typeof standard === 'object' && standard !== null && typeof standard.validate === 'function';
}

/**
 * JSON Schema of a Standard Schema through the Standard JSON Schema extension (zod 4, arktype;
 * valibot through `toStandardJsonSchema` from `@valibot/to-json-schema`).
 */
export function standardToJsonSchema(
  schema: StandardSchemaV1,
  io: 'input' | 'output',
): Record<string, unknown> {
  const converter = (schema['~standard'] as Partial<StandardJSONSchemaV1.Props>).jsonSchema;
  if (!converter) {
    const vendor = schema['~standard'].vendor;
    const advice =
      vendor === 'valibot' ? ' Wrap it with toStandardJsonSchema() from @valibot/to-json-schema.' : '';
    throw new SchemaDefinitionError(
      `The ${vendor} schema cannot describe itself as JSON Schema (no ~standard.jsonSchema).${advice}`,
    );
  }
  let converted: Record<string, unknown>;
  try {
    converted = converter[io]({ target: 'draft-2020-12' }) as Record<string, unknown>;
  } catch (error) {
    throw new SchemaDefinitionError(
      `Cannot convert the ${schema['~standard'].vendor} schema to JSON Schema: ${(error as Error).message}`,
    );
  }
  // 2020-12 is the MCP default dialect; the converters' $schema only adds bytes to every tools/list.
  if (converted.$schema === DRAFT_2020_12) {
    const { $schema: _schema, ...rest } = converted;
    converted = rest;
  }
  return converted;
}

export function validateStandard(
  schema: StandardSchemaV1,
  value: unknown,
): ValidationResult<unknown> | Promise<ValidationResult<unknown>> {
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(toResult) : toResult(result);
}

function toResult(result: StandardSchemaV1.Result<unknown>): ValidationResult<unknown> {
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(toIssue) };
}

function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const path = (issue.path ?? []).map((segment) =>
    String(typeof segment === 'object' ? segment.key : segment),
  );
  return { path: path.length ? `/${path.join('/')}` : '', message: issue.message };
}
