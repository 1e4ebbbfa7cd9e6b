import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { SchemaDefinitionError } from './issues.js';

export type SchemaIo = 'input' | 'output';

const TARGET = 'draft-2020-12';
const DRAFT_2020_12 = new Set([
  'https://json-schema.org/draft/2020-12/schema',
  'https://json-schema.org/draft/2020-12/schema#',
]);

type Props = StandardSchemaV1.Props & Partial<Pick<StandardJSONSchemaV1.Props, 'jsonSchema'>>;
interface ToJsonSchema {
  toJsonSchema(options: { target: string }): unknown;
}

/**
 * The JSON Schema a Standard Schema advertises. Prefers the Standard JSON Schema extension
 * (`~standard.jsonSchema`: zod 4.6 and arktype 2.2 ship it, valibot through `toStandardJsonSchema`),
 * then the vendor's own method, detected on the object so erlmcp depends on no schema library.
 */
export function standardToJsonSchema(schema: StandardSchemaV1, io: SchemaIo): Record<string, unknown> {
  const { vendor } = schema['~standard'];
  const convert = converterFor(schema, io);
  let converted: unknown;
  try {
    converted = convert();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SchemaDefinitionError(
      `Cannot convert the ${vendor} schema's ${io} type to JSON Schema: ${reason}`,
    );
  }
  if (typeof converted !== 'object' || converted === null || Array.isArray(converted)) {
    throw new SchemaDefinitionError(`The ${vendor} JSON Schema converter returned ${typeof converted}`);
  }
  // A fresh plain object, which also sheds the non-enumerable `~standard` zod attaches to its output
  // (left there, the advertised schema would itself pass isStandardSchema). The 2020-12 $schema goes:
  // it is MCP's default, and repeating it only adds bytes to every tools/list.
  const { $schema, ...rest } = converted as Record<string, unknown>;
  return $schema === undefined || (typeof $schema === 'string' && DRAFT_2020_12.has($schema))
    ? rest
    : { $schema, ...rest };
}

function converterFor(schema: StandardSchemaV1, io: SchemaIo): () => unknown {
  const props: Props = schema['~standard'];
  const extension = props.jsonSchema;
  if (extension && typeof extension[io] === 'function') {
    return () =>
      io === 'input' ? extension.input({ target: TARGET }) : extension.output({ target: TARGET });
  }
  const self = schema as unknown as Record<string, unknown>;
  // zod 4 before the extension: the `toJSONSchema` method takes the same target plus `io`.
  if (props.vendor === 'zod' && typeof self.toJSONSchema === 'function') {
    const toJSONSchema = self.toJSONSchema as (params: { target: string; io: SchemaIo }) => unknown;
    return () => toJSONSchema.call(schema, { target: TARGET, io });
  }
  // arktype before the extension: `.in` / `.out` are the input and output types.
  const side = props.vendor === 'arktype' ? self[io === 'input' ? 'in' : 'out'] : undefined;
  if (hasToJsonSchema(side)) return () => side.toJsonSchema({ target: TARGET });
  const advice =
    props.vendor === 'valibot'
      ? 'Wrap it with toStandardJsonSchema(schema) from @valibot/to-json-schema.'
      : 'Use a version that implements the Standard JSON Schema extension, or pass a JSON Schema object.';
  throw new SchemaDefinitionError(
    `The ${props.vendor} schema cannot describe itself as JSON Schema (no ~standard.jsonSchema). ${advice}`,
  );
}

function hasToJsonSchema(value: unknown): value is ToJsonSchema {
  return (
    (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
    typeof (value as Partial<ToJsonSchema>).toJsonSchema === 'function'
  );
}
