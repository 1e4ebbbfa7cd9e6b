import type { SchemaIssue } from '../../schema/issues.js';
import { suggestion } from '../did-you-mean.js';
import { CONFIG_SCHEMA } from './config-schema.js';

type SchemaNode = Record<string, unknown>;

/**
 * `; did you mean "http"?` for a misspelt enum value (`transport: "htp"`) or key
 * (`limits.maxInFlihgt`), whichever layer it came from; '' for any other issue.
 */
export function configSuggestion(issue: SchemaIssue, config: Record<string, unknown>): string {
  const parts = issue.path.split('/').slice(1);
  if (issue.message === 'is not an allowed property') {
    const parent = schemaAt(parts.slice(0, -1));
    const properties = parent?.properties as SchemaNode | undefined;
    return properties ? suggestion(parts.at(-1) ?? '', Object.keys(properties)) : '';
  }
  const values = enumAt(schemaAt(parts));
  const given = valueAt(config, parts);
  return values && typeof given === 'string' ? suggestion(given, values) : '';
}

/** The schema of a key: through `properties`, entering the object branch of a `oneOf`. */
function schemaAt(parts: string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = CONFIG_SCHEMA as unknown as SchemaNode;
  for (const part of parts) {
    node = objectBranch(node);
    const properties = node?.properties as Record<string, SchemaNode> | undefined;
    node = properties && Object.hasOwn(properties, part) ? properties[part] : undefined;
  }
  return objectBranch(node);
}

function objectBranch(node: SchemaNode | undefined): SchemaNode | undefined {
  const branches = node?.oneOf as SchemaNode[] | undefined;
  return branches?.find((branch) => branch.properties) ?? node;
}

function enumAt(node: SchemaNode | undefined): string[] | undefined {
  const values = node?.enum as unknown[] | undefined;
  return values?.filter((value): value is string => typeof value === 'string');
}

function valueAt(value: unknown, parts: string[]): unknown {
  let node = value;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
