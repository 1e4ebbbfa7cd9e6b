import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import { SchemaDefinitionError, type SchemaIssue, type ValidationResult } from './issues.js';

type AjvInstance = InstanceType<typeof AjvModule.default>;
// ajv is CommonJS: under NodeNext its class sits on `.default`.
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof AjvModule.default }).default;
const AjvDraft07 = AjvModule.default;

const DRAFT_2020_12 = new Set([
  'https://json-schema.org/draft/2020-12/schema',
  'https://json-schema.org/draft/2020-12/schema#',
]);
const DRAFT_07 = new Set([
  'http://json-schema.org/draft-07/schema',
  'http://json-schema.org/draft-07/schema#',
]);

/** Named bounds that keep a hostile schema from becoming a denial of service at registration. */
export const MAX_SCHEMA_DEPTH = 64;
export const MAX_SUBSCHEMAS = 10_000;

const instances = new Map<string, AjvInstance>();

function ajvFor(dialect: '2020-12' | 'draft-07'): AjvInstance {
  let ajv = instances.get(dialect);
  if (!ajv) {
    // No loadSchema: remote $refs are never fetched, so they fail compilation instead.
    const options = { strict: false, allErrors: false, validateFormats: false };
    ajv = dialect === '2020-12' ? new Ajv2020(options) : new AjvDraft07(options);
    instances.set(dialect, ajv);
  }
  return ajv;
}

/** Compiles a raw JSON Schema once; the advertised schema is the object exactly as given. */
export function compileJsonSchema(
  schema: Record<string, unknown>,
): (value: unknown) => ValidationResult<unknown> {
  checkBounds(schema);
  const declared = schema.$schema;
  let dialect: '2020-12' | 'draft-07';
  if (declared === undefined || (typeof declared === 'string' && DRAFT_2020_12.has(declared)))
    dialect = '2020-12';
  else if (typeof declared === 'string' && DRAFT_07.has(declared)) dialect = 'draft-07';
  else
    throw new SchemaDefinitionError(
      `Unsupported JSON Schema dialect: ${String(declared)} (supported: 2020-12, draft-07)`,
    );
  let validate: ValidateFunction;
  try {
    // A copy without $id so the same schema can be registered twice without an id clash.
    const { $id: _id, ...rest } = schema;
    validate = ajvFor(dialect).compile(rest);
  } catch (error) {
    throw new SchemaDefinitionError(`Invalid JSON Schema: ${(error as Error).message}`);
  }
  return (value) =>
    validate(value) ? { ok: true, value } : { ok: false, issues: toIssues(validate.errors ?? []) };
}

function toIssues(errors: readonly ErrorObject[]): SchemaIssue[] {
  return errors.map((error) => {
    const missing =
      error.keyword === 'required'
        ? (error.params as { missingProperty?: string }).missingProperty
        : undefined;
    const path = missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`;
    return { path, message: error.message ?? 'is invalid' };
  });
}

function checkBounds(schema: unknown): void {
  let count = 0;
  const walk = (node: unknown, depth: number) => {
    if (typeof node !== 'object' || node === null) return;
    if (depth > MAX_SCHEMA_DEPTH)
      throw new SchemaDefinitionError(`Schema nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
    if (++count > MAX_SUBSCHEMAS)
      throw new SchemaDefinitionError(`Schema has more than ${MAX_SUBSCHEMAS} subschemas`);
    for (const child of Object.values(node)) walk(child, depth + 1);
  };
  walk(schema, 0);
}
