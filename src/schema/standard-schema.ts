import type { StandardSchemaV1 } from '@standard-schema/spec';
import { pointerToken, type SchemaIssue, type ValidationResult } from './issues.js';

type Validator = (value: unknown) => ValidationResult<unknown> | Promise<ValidationResult<unknown>>;

/** Anything carrying a `~standard` object with a `validate` function (arktype types are functions). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return (
    typeof props === 'object' &&
    props !== null &&
    typeof (props as { validate?: unknown }).validate === 'function'
  );
}

/** Validates through `~standard.validate`; sync unless the schema itself is async. */
export function standardValidator(schema: StandardSchemaV1): Validator {
  // Read once: zod materialises `~standard` lazily on first access.
  const props = schema['~standard'];
  return (value) => {
    const result = props.validate(value);
    return typeof (result as { then?: unknown }).then === 'function'
      ? Promise.resolve(result).then(toResult)
      : toResult(result as StandardSchemaV1.Result<unknown>);
  };
}

function toResult(result: StandardSchemaV1.Result<unknown>): ValidationResult<unknown> {
  // The spec says a falsy `issues` means success.
  return result.issues
    ? { ok: false, issues: result.issues.map(toIssue) }
    : { ok: true, value: result.value };
}

function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  let path = '';
  for (const segment of issue.path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    path += `/${pointerToken(String(key))}`;
  }
  return { path, message: issue.message };
}
