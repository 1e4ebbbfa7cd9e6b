import type { ErrorObject } from 'ajv';
import { ajvCompile } from './ajv-pool.js';
import { pointerToken, SchemaDefinitionError, type SchemaIssue, type ValidationResult } from './issues.js';
import { checkSchemaLimits } from './limits.js';

/** Compiles a raw JSON Schema once; validation is then one generated function call. */
export function compileJsonSchema(
  schema: Record<string, unknown>,
): (value: unknown) => ValidationResult<unknown> {
  checkSchemaLimits(schema);
  if (schema.$async === true) {
    // ajv would return a Promise that rejects on invalid data; no async keywords exist here anyway.
    throw new SchemaDefinitionError('Async JSON Schemas ($async: true) are not supported');
  }
  const validate = ajvCompile(schema);
  // The value is returned as given: ajv neither coerces nor applies defaults with these options.
  return (value) =>
    validate(value) ? { ok: true, value } : { ok: false, issues: (validate.errors ?? []).map(toIssue) };
}

/** ajv reports missing and unexpected properties on their parent object; the issue names the field. */
function toIssue(error: ErrorObject): SchemaIssue {
  const params = error.params as Record<string, unknown>;
  if (typeof params.missingProperty === 'string') {
    return { path: `${error.instancePath}/${pointerToken(params.missingProperty)}`, message: 'is required' };
  }
  const extra = params.additionalProperty ?? params.unevaluatedProperty;
  if (typeof extra === 'string') {
    return { path: `${error.instancePath}/${pointerToken(extra)}`, message: 'is not an allowed property' };
  }
  // Name the allowed values: `must be one of "stdio", "http"` is actionable, ajv's text is not.
  if (Array.isArray(params.allowedValues)) {
    const values = params.allowedValues.map((value) => JSON.stringify(value)).join(', ');
    return { path: error.instancePath, message: `must be one of ${values}` };
  }
  return { path: error.instancePath, message: error.message ?? `fails "${error.keyword}"` };
}
