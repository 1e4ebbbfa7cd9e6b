/**
 * One row per protocol method: everything erlmcp's layers need to know about a method beyond its
 * handler, in one place (the server's cache hints and idle timeouts, the client's list cache and
 * multi round-trip rounds, the 2026 `Mcp-Name` header, metric and span targets, result checks).
 * Handlers live with the server (`server/methods.ts`); they are looked up, not listed, here.
 */
export interface MethodRow {
  /** 2026 results carry cache hints (`ttlMs`, `cacheScope`); a client may cache them for that long. */
  readonly cacheable?: true;
  /** The request legitimately stays open: no idle timeout applies. */
  readonly longLived?: true;
  /** A 2026 server may answer `InputRequiredResult` (a multi round-trip request). */
  readonly mayRequireInput?: true;
  /** The params field the 2026 `Mcp-Name` header mirrors (and that names the target of metrics and spans). */
  readonly nameField?: 'name' | 'uri' | 'taskId';
  /** The params field that names what the request is about, for per-tool metrics and spans. */
  readonly target?: 'name' | 'uri';
  /** The minimal shape of the result: enough that typed access cannot blow up on a bad server. */
  readonly resultCheck?: (result: Record<string, unknown>) => boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayField = (field: string) => (result: Record<string, unknown>) => Array.isArray(result[field]);

const ROWS: Readonly<Record<string, MethodRow>> = {
  initialize: {
    resultCheck: (result) =>
      typeof result.protocolVersion === 'string' &&
      isRecord(result.capabilities) &&
      isRecord(result.serverInfo),
  },
  'server/discover': {
    cacheable: true,
    resultCheck: (result) => Array.isArray(result.supportedVersions) && isRecord(result.capabilities),
  },
  ping: {},
  'tools/list': { cacheable: true, resultCheck: arrayField('tools') },
  'tools/call': {
    mayRequireInput: true,
    nameField: 'name',
    target: 'name',
    resultCheck: (result) =>
      Array.isArray(result.content) || result.resultType === 'task' || isRecord(result.task),
  },
  'resources/list': { cacheable: true, resultCheck: arrayField('resources') },
  'resources/templates/list': { cacheable: true, resultCheck: arrayField('resourceTemplates') },
  'resources/read': {
    cacheable: true,
    mayRequireInput: true,
    nameField: 'uri',
    target: 'uri',
    resultCheck: arrayField('contents'),
  },
  'resources/subscribe': { target: 'uri' },
  'resources/unsubscribe': {},
  'prompts/list': { cacheable: true, resultCheck: arrayField('prompts') },
  'prompts/get': {
    mayRequireInput: true,
    nameField: 'name',
    target: 'name',
    resultCheck: arrayField('messages'),
  },
  'completion/complete': {
    resultCheck: (result) => isRecord(result.completion) && Array.isArray(result.completion.values),
  },
  'logging/setLevel': {},
  'subscriptions/listen': { longLived: true },
  'tasks/get': { nameField: 'taskId' },
  'tasks/update': { nameField: 'taskId' },
  'tasks/cancel': { nameField: 'taskId' },
  'tasks/result': { longLived: true },
  'tasks/list': {},
};

/** The row of a method, if erlmcp knows it (own keys only: the method comes off the wire). */
export function methodRow(method: string): MethodRow | undefined {
  return Object.hasOwn(ROWS, method) ? ROWS[method] : undefined;
}

/** Every known method with a property, e.g. `methodsWhere('cacheable')`. */
export function methodsWhere(property: keyof MethodRow): ReadonlySet<string> {
  return new Set(Object.keys(ROWS).filter((method) => ROWS[method]![property] !== undefined));
}

/** What each registry change is announced with, and which cached results it makes stale. */
export const LIST_CHANGED = {
  tools: {
    notification: 'notifications/tools/list_changed',
    filterKey: 'toolsListChanged',
    stale: 'tools/list',
  },
  prompts: {
    notification: 'notifications/prompts/list_changed',
    filterKey: 'promptsListChanged',
    stale: 'prompts/list',
  },
  // Templates and reads go too: a resource list change may change them.
  resources: {
    notification: 'notifications/resources/list_changed',
    filterKey: 'resourcesListChanged',
    stale: 'resources/',
  },
} as const;

export type ListKind = keyof typeof LIST_CHANGED;

/** The cache prefix a list_changed notification makes stale, if it is one. */
export function staleAfter(notification: string): string | undefined {
  for (const kind of Object.values(LIST_CHANGED)) if (kind.notification === notification) return kind.stale;
  return undefined;
}
