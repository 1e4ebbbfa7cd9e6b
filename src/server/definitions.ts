import type {
  CallToolResult,
  CompleteResult,
  ContentBlock,
  GetPromptResult,
  Icon,
  JsonObject,
  PromptArgument,
  ReadResourceResult,
  ResourceMetadata,
  ResourceTemplateMetadata,
  TaskSupport,
  ToolAnnotations,
} from '../protocol/types.js';
import type { SchemaInput } from '../schema/index.js';
import type { RequestContext } from './context.js';

/** What a tool handler may return: a full result, or just text. */
export type ToolReturn = CallToolResult | string;

/**
 * What a tool with a typed `outputSchema` returns: a result whose `structuredContent` has the
 * schema's type (text alone would fail the output check), or an error result.
 */
export type StructuredToolReturn<Structured> =
  | {
      content: ContentBlock[];
      structuredContent: Structured;
      isError?: false;
      _meta?: JsonObject;
    }
  | (CallToolResult & { isError: true });

/** `Structured` is the type of `structuredContent` when the output schema is typed, else `undefined`. */
type HandlerReturn<Structured> = [Structured] extends [undefined]
  ? ToolReturn
  : StructuredToolReturn<Structured>;

export interface ToolConfig<Args = Record<string, unknown>, Structured = undefined> {
  title?: string;
  description?: string;
  /** Standard Schema (zod 4, valibot, arktype) or raw JSON Schema 2020-12. Defaults to an empty object schema. */
  inputSchema?: SchemaInput;
  /** When given, every successful result must carry `structuredContent` matching it. */
  outputSchema?: SchemaInput;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  /** OAuth scopes a caller's token must hold to call this tool (403 `insufficient_scope` otherwise). */
  scopes?: readonly string[];
  /** Task-augmented execution (2025-11-25 tasks, 2026 tasks extension). Default `forbidden`. */
  taskSupport?: TaskSupport;
  /**
   * Runs before a task is created, inside the request: input asked here (`ctx.elicit`) comes back
   * through the request itself (2026: InputRequiredResult rounds), and the task starts only once it is
   * answered. What it returns is merged into the arguments the handler receives.
   */
  prepare?(args: Args, ctx: RequestContext): Record<string, unknown> | Promise<Record<string, unknown>>;
  _meta?: Record<string, unknown>;
  handler(args: Args, ctx: RequestContext): HandlerReturn<Structured> | Promise<HandlerReturn<Structured>>;
}

export interface ResourceConfig extends Omit<ResourceMetadata, 'uri' | 'name'> {
  name?: string;
  /** Freshness hint for `resources/read` in the 2026 era (`ttlMs`); defaults to the server's. */
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
  /** OAuth scopes needed to read or subscribe to this resource. */
  scopes?: readonly string[];
  read(uri: string, ctx: RequestContext): ReadResourceResult | Promise<ReadResourceResult>;
}

export type CompletionCallback = (
  value: string,
  context: { arguments: Record<string, string> },
) => string[] | CompleteResult['completion'] | Promise<string[] | CompleteResult['completion']>;

export interface ResourceTemplateConfig extends Omit<ResourceTemplateMetadata, 'uriTemplate' | 'name'> {
  name?: string;
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
  /** OAuth scopes needed to read or subscribe to a resource of this template, or complete its variables. */
  scopes?: readonly string[];
  /** Lists concrete resources of this template for `resources/list` (optional). */
  list?(ctx: RequestContext): ResourceMetadata[] | Promise<ResourceMetadata[]>;
  /** Completion of template variables, by variable name. */
  complete?: Record<string, CompletionCallback>;
  read(
    uri: string,
    variables: Record<string, string | string[]>,
    ctx: RequestContext,
  ): ReadResourceResult | Promise<ReadResourceResult>;
}

/**
 * A prompt's arguments as its handler sees them, from a `const` argument list: required names are
 * strings (`prompts/get` refuses a call without them), the others may be missing.
 */
export type PromptArgs<Arguments extends readonly PromptArgument[]> = {
  [A in Arguments[number] as A['required'] extends true ? A['name'] : never]: string;
} & {
  [A in Arguments[number] as A['required'] extends true ? never : A['name']]?: string;
};

export interface PromptConfig<Args = Record<string, string>> {
  title?: string;
  description?: string;
  /** Declared arguments; with `argsSchema` they are derived from it and must be left out. */
  arguments?: readonly PromptArgument[];
  /**
   * A Standard Schema (or JSON Schema) object of string properties: `prompts/list` advertises its
   * properties as the arguments (required ones as required) and `prompts/get` validates against it.
   */
  argsSchema?: SchemaInput;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /** OAuth scopes needed to get this prompt or complete its arguments. */
  scopes?: readonly string[];
  /** Completion of prompt arguments, by argument name. */
  complete?: Record<string, CompletionCallback>;
  get(args: Args, ctx: RequestContext): GetPromptResult | Promise<GetPromptResult>;
}
