import type { PromptArgument } from '../protocol/types.js';
import { SchemaDefinitionError } from '../schema/index.js';

/**
 * The `arguments` that `prompts/list` advertises for a prompt declared with `argsSchema`: one per
 * property of the (object) schema, required as the schema says. Prompt arguments are strings on
 * the wire, so a property the schema types as anything else is refused at registration.
 */
export function argumentsFromSchema(prompt: string, jsonSchema: Record<string, unknown>): PromptArgument[] {
  const properties = jsonSchema.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new SchemaDefinitionError(
      `The argsSchema of prompt ${prompt} must describe an object with properties`,
    );
  }
  const required = new Set(Array.isArray(jsonSchema.required) ? jsonSchema.required : []);
  return Object.entries(properties as Record<string, Record<string, unknown>>).map(([name, property]) => {
    if (property.type !== undefined && property.type !== 'string') {
      throw new SchemaDefinitionError(
        `Prompt ${prompt}: argument "${name}" must be a string (prompt arguments are strings on the wire)`,
      );
    }
    const argument: PromptArgument = { name };
    if (typeof property.title === 'string') argument.title = property.title;
    if (typeof property.description === 'string') argument.description = property.description;
    if (required.has(name)) argument.required = true;
    return argument;
  });
}
