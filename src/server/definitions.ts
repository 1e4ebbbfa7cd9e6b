import type {
  CallToolResult,
  CompleteResult,
  GetPromptResult,
  Icon,
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

export interface ToolConfig<Args = Record<string, unknown>> {
  title?: string;
  description?: string;
  /** Standard Schema (zod 4, valibot, arktype) or raw JSON Schema 2020-12. Defaults to an empty object schema. */
  inputSchema?: SchemaInput;
  /** When given, every successful result must carry `structuredContent` matching it. */
  outputSchema?: SchemaInput;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  /** Task-augmented execution (2025-11-25 tasks, 2026 tasks extension). Default `forbidden`. */
  taskSupport?: TaskSupport;
  /**
   * Runs before a task is created, inside the request: input asked here (`ctx.elicit`) comes back
   * through the request itself (2026: InputRequiredResult rounds), and the task starts only once it is
   * answered. What it returns is merged into the arguments the handler receives.
   */
  prepare?(args: Args, ctx: RequestContext): Record<string, unknown> | Promise<Record<string, unknown>>;
  _meta?: Record<string, unknown>;
  handler(args: Args, ctx: RequestContext): ToolReturn | Promise<ToolReturn>;
}

export interface ResourceConfig extends Omit<ResourceMetadata, 'uri' | 'name'> {
  name?: string;
  /** Freshness hint for `resources/read` in the 2026 era (`ttlMs`); defaults to the server's. */
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
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

export interface PromptConfig {
  title?: string;
  description?: string;
  arguments?: PromptArgument[];
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /** Completion of prompt arguments, by argument name. */
  complete?: Record<string, CompletionCallback>;
  get(args: Record<string, string>, ctx: RequestContext): GetPromptResult | Promise<GetPromptResult>;
}
