import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SchemaDefinitionError } from './issues.js';

// Named imports: ajv is CommonJS, and a default import would be the module object under NodeNext
// typings but the class at runtime. Both files also assign `module.exports.Ajv`/`.Ajv2020`.

type Dialect = '2020-12' | 'draft-07';
type AjvInstance = Ajv | Ajv2020;

const DIALECTS = new Map<string, Dialect>([
  ['https://json-schema.org/draft/2020-12/schema', '2020-12'],
  ['https://json-schema.org/draft/2020-12/schema#', '2020-12'],
  ['http://json-schema.org/draft-07/schema', 'draft-07'],
  ['http://json-schema.org/draft-07/schema#', 'draft-07'],
]);

const OPTIONS: Options = {
  strict: false,
  // Keys off the wire such as `constructor` or `valueOf` must not be found on Object.prototype.
  ownProperties: true,
  allErrors: false,
  // `format` is an annotation in 2020-12 and ajv-formats is not a dependency; validating it would
  // only log "unknown format" warnings.
  validateFormats: false,
  // Compiled schemas are not kept as $ref targets: one tool's $id must never resolve another's $ref.
  addUsedSchema: false,
  // No loadSchema: remote $refs are never fetched, so they fail compilation instead.
};

/** One instance per dialect for the whole process: creating one compiles the meta-schemas. */
const instances = new Map<Dialect, AjvInstance>();

function dialectOf(schema: Record<string, unknown>): Dialect {
  const declared = schema.$schema;
  if (declared === undefined) return '2020-12'; // MCP's default dialect
  const dialect = typeof declared === 'string' ? DIALECTS.get(declared) : undefined;
  if (!dialect) {
    throw new SchemaDefinitionError(
      `Unsupported JSON Schema dialect ${JSON.stringify(declared)}: use https://json-schema.org/draft/2020-12/schema (or omit $schema) or http://json-schema.org/draft-07/schema#`,
    );
  }
  return dialect;
}

function ajvFor(dialect: Dialect): AjvInstance {
  let ajv = instances.get(dialect);
  if (!ajv) {
    ajv = dialect === '2020-12' ? new Ajv2020(OPTIONS) : new Ajv(OPTIONS);
    instances.set(dialect, ajv);
  }
  return ajv;
}

/**
 * Compiles with the shared instance for the schema's dialect, then forgets the schema there: ajv
 * caches every compiled schema (and ids embedded in it) forever, which would grow without bound on a
 * client that compiles each server's advertised schemas. The returned function keeps working.
 */
export function ajvCompile(schema: Record<string, unknown>): ValidateFunction {
  const ajv = ajvFor(dialectOf(schema));
  const knownRefs = new Set(Object.keys(ajv.refs));
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new SchemaDefinitionError(describeCompileError(error));
  } finally {
    ajv.removeSchema(schema);
    for (const ref of Object.keys(ajv.refs)) if (!knownRefs.has(ref)) ajv.removeSchema(ref);
  }
}

function describeCompileError(error: unknown): string {
  const missingRef = (error as { missingRef?: unknown } | null)?.missingRef;
  if (typeof missingRef === 'string') {
    return `Unresolvable $ref ${JSON.stringify(missingRef)}: only references inside the schema itself are supported (remote schemas are never fetched)`;
  }
  return `Invalid JSON Schema: ${error instanceof Error ? error.message : String(error)}`;
}
