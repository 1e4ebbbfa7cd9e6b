import { ErlmcpError } from '../jsonrpc/errors.js';
import type { PromptMetadata, ResourceMetadata, ResourceTemplateMetadata, Tool } from '../protocol/types.js';
import { type CompiledSchema, compileSchema } from '../schema/index.js';
import type { PromptConfig, ResourceConfig, ResourceTemplateConfig, ToolConfig } from './definitions.js';
import { argumentsFromSchema } from './prompt-arguments.js';
import { UriTemplate } from './uri-template/index.js';

export interface ToolEntry {
  readonly wire: Tool;
  readonly input: CompiledSchema;
  readonly output: CompiledSchema | undefined;
  readonly config: ToolConfig<never>;
}
export interface ResourceEntry {
  readonly wire: ResourceMetadata;
  readonly config: ResourceConfig;
}
export interface TemplateEntry {
  readonly wire: ResourceTemplateMetadata;
  readonly template: UriTemplate;
  readonly config: ResourceTemplateConfig;
}
export interface PromptEntry {
  readonly wire: PromptMetadata;
  /** The compiled `argsSchema`, when the prompt has one. */
  readonly args: CompiledSchema | undefined;
  readonly config: PromptConfig;
}

export type RegistryKind = 'tools' | 'resources' | 'prompts';
/** Something registered that can be taken away again (fires list_changed). */
export interface Registered {
  remove(): void;
}

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/**
 * Tools, resources, templates and prompts: built once per server and shared by every session and
 * request. Wire lists are computed once per change, not per list call.
 */
export class Registry {
  readonly tools = new Map<string, ToolEntry>();
  readonly resources = new Map<string, ResourceEntry>();
  readonly templates = new Map<string, TemplateEntry>();
  readonly prompts = new Map<string, PromptEntry>();
  readonly #listeners = new Set<(kind: RegistryKind) => void>();
  #toolList: Tool[] | undefined;
  #resourceList: ResourceMetadata[] | undefined;
  #templateList: ResourceTemplateMetadata[] | undefined;
  #promptList: PromptMetadata[] | undefined;

  onChange(listener: (kind: RegistryKind) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addTool<Args>(name: string, config: ToolConfig<Args>): Registered {
    assertNew(this.tools, name, 'tool');
    const input = compileSchema(config.inputSchema ?? EMPTY_OBJECT_SCHEMA, { io: 'input' });
    const output = config.outputSchema ? compileSchema(config.outputSchema, { io: 'output' }) : undefined;
    const wire = omitUndefined<Tool>({
      name,
      title: config.title,
      description: config.description,
      inputSchema: input.jsonSchema,
      outputSchema: output?.jsonSchema,
      annotations: config.annotations,
      icons: config.icons,
      execution: config.taskSupport ? { taskSupport: config.taskSupport } : undefined,
      _meta: config._meta,
    });
    this.tools.set(name, { wire, input, output, config: config as ToolConfig<never> });
    return this.#changed('tools', () => this.tools.delete(name));
  }

  addResource(uri: string, config: ResourceConfig): Registered {
    assertNew(this.resources, uri, 'resource');
    const { read: _read, ttlMs: _ttl, cacheScope: _scope, scopes: _scopes, ...metadata } = config;
    const wire = omitUndefined<ResourceMetadata>({ ...metadata, uri, name: config.name ?? uri });
    this.resources.set(uri, { wire, config });
    return this.#changed('resources', () => this.resources.delete(uri));
  }

  addResourceTemplate(uriTemplate: string, config: ResourceTemplateConfig): Registered {
    assertNew(this.templates, uriTemplate, 'resource template');
    const template = new UriTemplate(uriTemplate);
    const {
      read: _read,
      list: _list,
      complete: _complete,
      ttlMs: _ttl,
      cacheScope: _scope,
      scopes: _scopes,
      ...metadata
    } = config;
    const wire = omitUndefined<ResourceTemplateMetadata>({
      ...metadata,
      uriTemplate,
      name: config.name ?? uriTemplate,
    });
    this.templates.set(uriTemplate, { wire, template, config });
    return this.#changed('resources', () => this.templates.delete(uriTemplate));
  }

  addPrompt(name: string, config: PromptConfig): Registered {
    assertNew(this.prompts, name, 'prompt');
    if (config.argsSchema && config.arguments) {
      throw new ErlmcpError(
        'ERR_INVALID_DEFINITION',
        `Prompt ${name}: give argsSchema or arguments, not both (the arguments come from the schema)`,
      );
    }
    const args = config.argsSchema ? compileSchema(config.argsSchema, { io: 'input' }) : undefined;
    const wire = omitUndefined<PromptMetadata>({
      name,
      title: config.title,
      description: config.description,
      arguments: args ? argumentsFromSchema(name, args.jsonSchema) : config.arguments?.slice(),
      icons: config.icons,
      _meta: config._meta,
    });
    this.prompts.set(name, { wire, args, config });
    return this.#changed('prompts', () => this.prompts.delete(name));
  }

  toolList(): Tool[] {
    this.#toolList ??= [...this.tools.values()].map((entry) => entry.wire);
    return this.#toolList;
  }
  resourceList(): ResourceMetadata[] {
    this.#resourceList ??= [...this.resources.values()].map((entry) => entry.wire);
    return this.#resourceList;
  }
  templateList(): ResourceTemplateMetadata[] {
    this.#templateList ??= [...this.templates.values()].map((entry) => entry.wire);
    return this.#templateList;
  }
  promptList(): PromptMetadata[] {
    this.#promptList ??= [...this.prompts.values()].map((entry) => entry.wire);
    return this.#promptList;
  }

  /** Finds the template whose pattern matches `uri` (first registered wins). */
  matchTemplate(
    uri: string,
  ): { entry: TemplateEntry; variables: Record<string, string | string[]> } | undefined {
    for (const entry of this.templates.values()) {
      const variables = entry.template.match(uri);
      if (variables) return { entry, variables };
    }
    return undefined;
  }

  #changed(kind: RegistryKind, remove: () => void): Registered {
    this.#invalidate(kind);
    let removed = false;
    return {
      remove: () => {
        if (removed) return;
        removed = true;
        remove();
        this.#invalidate(kind);
      },
    };
  }

  #invalidate(kind: RegistryKind): void {
    if (kind === 'tools') this.#toolList = undefined;
    if (kind === 'prompts') this.#promptList = undefined;
    if (kind === 'resources') {
      this.#resourceList = undefined;
      this.#templateList = undefined;
    }
    for (const listener of this.#listeners) listener(kind);
  }
}

function assertNew(map: Map<string, unknown>, key: string, what: string): void {
  if (map.has(key))
    throw new ErlmcpError('ERR_INVALID_DEFINITION', `A ${what} named "${key}" is already registered`);
}

/** exactOptionalPropertyTypes: build wire objects without `undefined` members. */
export function omitUndefined<T extends object>(value: { [K in keyof T]?: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}
