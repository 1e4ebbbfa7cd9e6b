import { isRecord } from './wire.js';

/**
 * Hand-written shape checks of results, after the schema.ts of each revision: each returns the
 * first problem in words, or undefined. They check what the spec requires, not every optional field.
 */
export type Shape = (result: Record<string, unknown>) => string | undefined;

const isString = (value: unknown): value is string => typeof value === 'string';

/** A list result: the array under `field`, each item checked, and an optional string nextCursor. */
export function listShape(
  field: string,
  item: (entry: Record<string, unknown>) => string | undefined,
): Shape {
  return (result) => {
    const entries = result[field];
    if (!Array.isArray(entries)) return `the result has no "${field}" array`;
    for (const [index, entry] of entries.entries()) {
      if (!isRecord(entry)) return `${field}[${index}] is not an object`;
      const problem = item(entry);
      if (problem) return `${field}[${index}]${isString(entry.name) ? ` ("${entry.name}")` : ''} ${problem}`;
    }
    if (result.nextCursor !== undefined && !isString(result.nextCursor)) return 'nextCursor is not a string';
    return undefined;
  };
}

export const toolShape = (tool: Record<string, unknown>): string | undefined => {
  if (!isString(tool.name)) return 'has no name';
  if (!isRecord(tool.inputSchema)) return 'has no inputSchema';
  if (tool.inputSchema.type !== 'object')
    return `has an inputSchema of type ${JSON.stringify(tool.inputSchema.type)}, not "object"`;
  if (
    tool.outputSchema !== undefined &&
    (!isRecord(tool.outputSchema) || tool.outputSchema.type !== 'object')
  )
    return 'has an outputSchema that is not of type "object"';
  return undefined;
};

export const resourceShape = (resource: Record<string, unknown>): string | undefined =>
  !isString(resource.uri) ? 'has no uri' : !isString(resource.name) ? 'has no name' : undefined;

export const templateShape = (template: Record<string, unknown>): string | undefined =>
  !isString(template.uriTemplate)
    ? 'has no uriTemplate'
    : !isString(template.name)
      ? 'has no name'
      : undefined;

export const promptShape = (prompt: Record<string, unknown>): string | undefined => {
  if (!isString(prompt.name)) return 'has no name';
  if (prompt.arguments === undefined) return undefined;
  if (!Array.isArray(prompt.arguments)) return 'has arguments that are not an array';
  return prompt.arguments.every((argument) => isRecord(argument) && isString(argument.name))
    ? undefined
    : 'has an argument without a name';
};

const CONTENT_TYPES = ['text', 'image', 'audio', 'resource_link', 'resource'];

/** A content block (tool results, prompt messages): a known type with its required field. */
export function contentProblem(block: unknown): string | undefined {
  if (!isRecord(block)) return 'is not an object';
  if (!CONTENT_TYPES.includes(block.type as string)) return `has type ${JSON.stringify(block.type)}`;
  if (block.type === 'text' && !isString(block.text)) return 'is text without a text string';
  if (
    (block.type === 'image' || block.type === 'audio') &&
    !(isString(block.data) && isString(block.mimeType))
  )
    return `is ${block.type} without data and mimeType`;
  if (block.type === 'resource_link' && !(isString(block.uri) && isString(block.name)))
    return 'is a resource_link without uri and name';
  if (block.type === 'resource' && !isRecord(block.resource)) return 'is a resource without the resource';
  return undefined;
}

export const toolResultShape: Shape = (result) => {
  if (!Array.isArray(result.content)) return 'the result has no "content" array';
  for (const [index, block] of result.content.entries()) {
    const problem = contentProblem(block);
    if (problem) return `content[${index}] ${problem}`;
  }
  if (result.isError !== undefined && typeof result.isError !== 'boolean') return 'isError is not a boolean';
  return undefined;
};

export const readResultShape: Shape = (result) => {
  if (!Array.isArray(result.contents)) return 'the result has no "contents" array';
  for (const [index, entry] of result.contents.entries()) {
    if (!isRecord(entry) || !isString(entry.uri)) return `contents[${index}] has no uri`;
    if (!isString(entry.text) && !isString(entry.blob)) return `contents[${index}] has neither text nor blob`;
  }
  return undefined;
};

export const promptResultShape: Shape = (result) => {
  if (!Array.isArray(result.messages)) return 'the result has no "messages" array';
  for (const [index, message] of result.messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant'))
      return `messages[${index}] has no role user or assistant`;
    const problem = contentProblem(message.content);
    if (problem) return `messages[${index}].content ${problem}`;
  }
  return undefined;
};
