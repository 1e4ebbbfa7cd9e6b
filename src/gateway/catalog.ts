import type { PromptMetadata, ResourceMetadata, ResourceTemplateMetadata, Tool } from '../protocol/types.js';
import type { RegistryKind } from '../server/registry.js';
import { UriTemplate } from '../server/uri-template/index.js';
import type { Upstream } from './upstream.js';

/** Named limit: pages of one upstream list the gateway reads before it stops (a list that never ends). */
export const MAX_UPSTREAM_PAGES = 100;

/** Where a downstream name leads: the upstream and the name it knows the item by. */
export interface Route<Item> {
  upstream: Upstream;
  name: string;
  item: Item;
}

export interface ToolFilter {
  /** Whether an upstream's tool is offered at all (allow/deny lists). */
  offered(upstream: Upstream, name: string): boolean;
}

type ListKind = 'tools' | 'prompts' | 'resources' | 'templates';
const LISTS: Record<
  ListKind,
  { method: string; field: string; capability: 'tools' | 'prompts' | 'resources' }
> = {
  tools: { method: 'tools/list', field: 'tools', capability: 'tools' },
  prompts: { method: 'prompts/list', field: 'prompts', capability: 'prompts' },
  resources: { method: 'resources/list', field: 'resources', capability: 'resources' },
  templates: { method: 'resources/templates/list', field: 'resourceTemplates', capability: 'resources' },
};

interface Merged<Item> {
  items: Item[];
  routes: Map<string, Route<Item>>;
}

/**
 * Federation: the upstreams' tools, prompts, resources and templates as one set of lists. Tool and
 * prompt names carry their upstream's prefix (or pass through when unique, with `naming: auto`);
 * resource URIs are never rewritten, and the first upstream (in configuration order) to list one
 * serves it. A 2025 upstream's lists are kept until it says they changed; a 2026 upstream's are
 * kept by its client for their `ttlMs`.
 */
export class Catalog {
  readonly #kept = new Map<string, unknown[]>();
  readonly #templates = new Map<Upstream, UriTemplate[]>();
  #toolRoutes = new Map<string, Route<Tool>>();
  #promptRoutes = new Map<string, Route<PromptMetadata>>();
  /** Routes of upstreams that are down: not listed, but a call fails at once naming the upstream. */
  readonly #offline = new Map<string, Route<unknown>>();

  constructor(
    private readonly upstreams: readonly Upstream[],
    private readonly naming: 'prefixed' | 'auto',
    private readonly filter: ToolFilter,
  ) {}

  /** An upstream's list of `kind` changed (or it came or went): read it again next time. */
  invalidate(upstream: Upstream, kind: RegistryKind): void {
    if (kind === 'resources') {
      this.#kept.delete(key(upstream, 'resources'));
      this.#kept.delete(key(upstream, 'templates'));
      this.#templates.delete(upstream);
    } else this.#kept.delete(key(upstream, kind));
  }

  async tools(): Promise<Tool[]> {
    const merged = await this.#merge<Tool>(
      'tools',
      (tool) => tool.name,
      (tool, name) => ({ ...tool, name }),
    );
    this.#toolRoutes = this.#keepOffline('tool', this.#toolRoutes, merged.routes);
    return merged.items;
  }

  /** The tools with their routes, in list order. */
  async toolRoutes(): Promise<Route<Tool>[]> {
    await this.tools();
    return [...this.#toolRoutes.values()];
  }

  async prompts(): Promise<PromptMetadata[]> {
    const merged = await this.#merge<PromptMetadata>(
      'prompts',
      (prompt) => prompt.name,
      (prompt, name) => ({ ...prompt, name }),
    );
    this.#promptRoutes = this.#keepOffline('prompt', this.#promptRoutes, merged.routes);
    return merged.items;
  }

  async resources(): Promise<ResourceMetadata[]> {
    return (await this.#mergeByKey<ResourceMetadata>('resources', (resource) => resource.uri)).items;
  }

  async templates(): Promise<ResourceTemplateMetadata[]> {
    return (await this.#mergeByKey<ResourceTemplateMetadata>('templates', (template) => template.uriTemplate))
      .items;
  }

  /** A tool as last listed (no upstream request): what the HTTP transport checks headers against. */
  knownTool(name: string): Tool | undefined {
    return this.#toolRoutes.get(name)?.item;
  }

  /** The route of a downstream tool name; an unknown name re-reads the lists once (a tool just added). */
  async tool(name: string): Promise<Route<Tool> | undefined> {
    // Known: its upstream serves it, or is down and the call fails at once (no lists re-read).
    const known = this.#toolRoutes.get(name) ?? this.#offlineRoute<Tool>(`tool\u0000${name}`);
    if (known) return known;
    await this.tools();
    return this.#toolRoutes.get(name) ?? this.#offlineRoute<Tool>(`tool\u0000${name}`);
  }

  async prompt(name: string): Promise<Route<PromptMetadata> | undefined> {
    const known = this.#promptRoutes.get(name) ?? this.#offlineRoute<PromptMetadata>(`prompt\u0000${name}`);
    if (known) return known;
    await this.prompts();
    return this.#promptRoutes.get(name) ?? this.#offlineRoute<PromptMetadata>(`prompt\u0000${name}`);
  }

  /**
   * Which upstream serves a URI: the one listing it, else the one whose template matches, else the
   * only upstream with resources. Undefined when none can.
   */
  async resourceOwner(uri: string): Promise<Upstream | undefined> {
    const listed = (
      await this.#mergeByKey<ResourceMetadata>('resources', (resource) => resource.uri)
    ).routes.get(uri);
    if (listed) return listed.upstream;
    const serving = this.#up().filter((upstream) => upstream.capabilities?.resources);
    for (const upstream of serving) {
      const templates = await this.#templatesOf(upstream);
      if (templates.some((template) => template.match(uri))) return upstream;
    }
    return serving.length === 1 ? serving[0] : undefined;
  }

  /** The upstream with a resource template written exactly so (completion of its variables). */
  async templateOwner(uriTemplate: string): Promise<Upstream | undefined> {
    return (
      await this.#mergeByKey<ResourceTemplateMetadata>('templates', (template) => template.uriTemplate)
    ).routes.get(uriTemplate)?.upstream;
  }

  /** The downstream name of an upstream's tool or prompt. */
  exposedName(upstream: Upstream, name: string, taken: ReadonlySet<string>): string {
    if (this.naming === 'auto' && !taken.has(name)) return name;
    return `${upstream.settings.prefix}${name}`;
  }

  async #merge<Item>(
    kind: 'tools' | 'prompts',
    nameOf: (item: Item) => string,
    rename: (item: Item, name: string) => Item,
  ): Promise<Merged<Item>> {
    const lists = await this.#lists<Item>(kind);
    // A name offered by more than one upstream is a collision: `auto` naming prefixes it everywhere.
    const seen = new Map<string, number>();
    for (const { items } of lists)
      for (const item of items) seen.set(nameOf(item), (seen.get(nameOf(item)) ?? 0) + 1);
    const colliding = new Set([...seen].filter(([, count]) => count > 1).map(([name]) => name));
    const merged: Merged<Item> = { items: [], routes: new Map() };
    for (const { upstream, items } of lists) {
      for (const item of items) {
        const name = nameOf(item);
        if (kind === 'tools' && !this.filter.offered(upstream, name)) continue;
        const exposed = this.exposedName(upstream, name, colliding);
        if (merged.routes.has(exposed)) continue;
        const renamed = exposed === name ? item : rename(item, exposed);
        merged.items.push(renamed);
        merged.routes.set(exposed, { upstream, name, item: renamed });
      }
    }
    return merged;
  }

  async #mergeByKey<Item>(
    kind: 'resources' | 'templates',
    keyOf: (item: Item) => string,
  ): Promise<Merged<Item>> {
    const lists = await this.#lists<Item>(kind);
    const merged: Merged<Item> = { items: [], routes: new Map() };
    for (const { upstream, items } of lists) {
      for (const item of items) {
        const itemKey = keyOf(item);
        if (merged.routes.has(itemKey)) continue;
        merged.items.push(item);
        merged.routes.set(itemKey, { upstream, name: itemKey, item });
      }
    }
    return merged;
  }

  /** The new routes; the old ones of upstreams now down are kept aside (and forgotten once listed again). */
  #keepOffline<Item>(
    kind: 'tool' | 'prompt',
    previous: Map<string, Route<Item>>,
    next: Map<string, Route<Item>>,
  ): Map<string, Route<Item>> {
    for (const [name, route] of previous)
      if (!route.upstream.up) this.#offline.set(`${kind}\u0000${name}`, route as Route<unknown>);
    for (const name of next.keys()) this.#offline.delete(`${kind}\u0000${name}`);
    return next;
  }

  /** A tool or prompt of an upstream that is down stays routed: its call fails at once naming it. */
  #offlineRoute<Item>(key: string): Route<Item> | undefined {
    const route = this.#offline.get(key);
    if (route && !route.upstream.up) return route as Route<Item>;
    this.#offline.delete(key);
    return undefined;
  }

  /**
   * Every up upstream's list of `kind`. One that fails to answer is left out of this merge (its
   * failure counts on its breaker): the other upstreams' items are still served.
   */
  async #lists<Item>(kind: ListKind): Promise<{ upstream: Upstream; items: Item[] }[]> {
    return Promise.all(
      this.#up().map(async (upstream) => ({
        upstream,
        items: await this.#list<Item>(upstream, kind).catch((): Item[] => []),
      })),
    );
  }

  async #templatesOf(upstream: Upstream): Promise<UriTemplate[]> {
    let compiled = this.#templates.get(upstream);
    if (!compiled) {
      compiled = [];
      for (const template of await this.#list<ResourceTemplateMetadata>(upstream, 'templates')) {
        try {
          compiled.push(new UriTemplate(template.uriTemplate));
        } catch {
          // A template this gateway cannot parse is listed but cannot route reads.
        }
      }
      this.#templates.set(upstream, compiled);
    }
    return compiled;
  }

  /**
   * Every page of one upstream list: empty when the upstream does not declare the capability, or
   * when it fails now (one failing upstream must not take the merged list down; the failure counts
   * against its circuit, and its items come back with it).
   */
  async #list<Item>(upstream: Upstream, kind: ListKind): Promise<Item[]> {
    try {
      return await this.#read<Item>(upstream, kind);
    } catch {
      return [];
    }
  }

  async #read<Item>(upstream: Upstream, kind: ListKind): Promise<Item[]> {
    const { method, field, capability } = LISTS[kind];
    const caps = upstream.capabilities;
    if (!caps?.[capability]) return [];
    const kept = this.#kept.get(key(upstream, kind));
    if (kept) return kept as Item[];
    const items: Item[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_UPSTREAM_PAGES; page++) {
      const result = await upstream.request(method, cursor === undefined ? {} : { cursor }, {});
      const pageItems = result[field];
      if (Array.isArray(pageItems)) items.push(...(pageItems as Item[]));
      cursor =
        typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
      if (cursor === undefined) break;
    }
    // Kept only where a change will be announced; a 2026 upstream's client keeps lists per ttlMs.
    const listChanged = (caps[capability] as { listChanged?: boolean }).listChanged === true;
    if (listChanged && upstream.health().era === 'legacy') this.#kept.set(key(upstream, kind), items);
    return items;
  }

  #up(): Upstream[] {
    return this.upstreams.filter((upstream) => upstream.up);
  }
}

function key(upstream: Upstream, kind: ListKind): string {
  return `${upstream.name}\u0000${kind}`;
}
