import type { Peer } from './peers.js';
import type { Report } from './report.js';
import type { RuleId } from './rules.js';
import {
  listShape,
  promptResultShape,
  promptShape,
  readResultShape,
  resourceShape,
  type Shape,
  templateShape,
  toolResultShape,
  toolShape,
} from './shapes.js';
import { describe, isRecord, resultOf } from './wire.js';

/** Most pages followed per list: a server that never ends its list fails instead of looping. */
const MAX_PAGES = 100;

interface ListSpec {
  method: string;
  field: string;
  rule: RuleId;
  shape: Shape;
  capability: string;
}

const LISTS: ListSpec[] = [
  {
    method: 'tools/list',
    field: 'tools',
    rule: 'results.tools-list',
    shape: listShape('tools', toolShape),
    capability: 'tools',
  },
  {
    method: 'resources/list',
    field: 'resources',
    rule: 'results.resources-list',
    shape: listShape('resources', resourceShape),
    capability: 'resources',
  },
  {
    method: 'resources/templates/list',
    field: 'resourceTemplates',
    rule: 'results.resource-templates-list',
    shape: listShape('resourceTemplates', templateShape),
    capability: 'resources',
  },
  {
    method: 'prompts/list',
    field: 'prompts',
    rule: 'results.prompts-list',
    shape: listShape('prompts', promptShape),
    capability: 'prompts',
  },
];

type Walk = { items: Record<string, unknown>[]; pages: number; problem?: string; shapeProblem?: string };

/** Follows nextCursor to the end, checking each page's shape and that no cursor comes twice. */
async function walk(peer: Peer, list: ListSpec): Promise<Walk> {
  const seen = new Set<string>();
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  let shapeProblem: string | undefined;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const reply = await peer.call(list.method, cursor === undefined ? {} : { cursor });
    const result = resultOf(reply);
    if (result === undefined)
      return { items, pages, problem: `${list.method} page ${pages} was answered ${describe(reply)}` };
    shapeProblem ??= list.shape(result);
    const entries = result[list.field];
    if (Array.isArray(entries)) items.push(...entries.filter(isRecord));
    const next = result.nextCursor;
    if (typeof next !== 'string') return { items, pages, ...(shapeProblem ? { shapeProblem } : {}) };
    if (seen.has(next))
      return { items, pages, problem: `${list.method} repeated the cursor ${JSON.stringify(next)}` };
    seen.add(next);
    cursor = next;
  }
  return {
    items,
    pages: MAX_PAGES,
    problem: `${list.method} still had a nextCursor after ${MAX_PAGES} pages`,
  };
}

/** Every list the server declares, walked to its end; then one read, one prompt and one tool call. */
export async function checkResults(
  peer: Peer,
  report: Report,
  capabilities: Record<string, unknown>,
): Promise<void> {
  const walked = new Map<string, Walk>();
  const pageProblems: string[] = [];
  const pageCounts: string[] = [];
  for (const list of LISTS) {
    if (!isRecord(capabilities[list.capability])) {
      report.skip(list.rule, peer.era, `the server does not declare ${list.capability}`);
      continue;
    }
    const result = await walk(peer, list);
    walked.set(list.method, result);
    if (result.problem) pageProblems.push(result.problem);
    else pageCounts.push(`${list.method} ${result.pages} page${result.pages === 1 ? '' : 's'}`);
    if (result.problem && result.items.length === 0) report.fail(list.rule, peer.era, result.problem);
    else report.check(list.rule, peer.era, result.shapeProblem, `${result.items.length} listed`);
  }
  if (walked.size === 0) report.skip('pagination.walk', peer.era, 'the server declares no lists');
  else report.check('pagination.walk', peer.era, pageProblems[0], pageCounts.join(', '));

  await checkInvalidCursor(peer, report, [...walked.keys()][0]);
  await checkRead(peer, report, walked.get('resources/list')?.items);
  await checkPrompt(peer, report, walked.get('prompts/list')?.items);
  await checkToolCall(peer, report, walked.get('tools/list')?.items);
}

async function checkInvalidCursor(peer: Peer, report: Report, method: string | undefined): Promise<void> {
  if (method === undefined)
    return report.skip('pagination.invalid-cursor', peer.era, 'the server declares no lists');
  const cursor = 'erlmcp-validate:not-a-cursor';
  const reply = await peer.call(method, { cursor });
  report.check(
    'pagination.invalid-cursor',
    peer.era,
    reply.response && isRecord(reply.response.error) && reply.response.error.code === -32602
      ? undefined
      : `${method} with cursor "${cursor}" was answered ${describe(reply)}`,
  );
}

async function checkRead(peer: Peer, report: Report, resources: Record<string, unknown>[] | undefined) {
  const uri = resources?.find((resource) => typeof resource.uri === 'string')?.uri as string | undefined;
  if (uri === undefined) return report.skip('results.resource-read', peer.era, 'no resource listed to read');
  checkAnswer(
    report,
    peer,
    'results.resource-read',
    `resources/read ${uri}`,
    await peer.call('resources/read', { uri }),
    readResultShape,
  );
}

/** Gets the first prompt, its required arguments (strings by the spec) filled with a sample. */
async function checkPrompt(peer: Peer, report: Report, prompts: Record<string, unknown>[] | undefined) {
  const prompt = prompts?.find((entry) => typeof entry.name === 'string');
  if (prompt === undefined) return report.skip('results.prompt-get', peer.era, 'no prompt listed');
  const name = String(prompt.name);
  const args: Record<string, string> = {};
  for (const argument of Array.isArray(prompt.arguments) ? prompt.arguments : []) {
    if (isRecord(argument) && argument.required === true) args[String(argument.name)] = 'erlmcp';
  }
  const reply = await peer.call('prompts/get', { name, arguments: args });
  checkAnswer(report, peer, 'results.prompt-get', `prompts/get ${name}`, reply, promptResultShape);
}

/**
 * Calls one tool the server marks read-only (annotations.readOnlyHint), with sample values for its
 * required arguments: validating must not change anything on the server.
 */
async function checkToolCall(peer: Peer, report: Report, tools: Record<string, unknown>[] | undefined) {
  if (report.findings.some((finding) => finding.rule === 'results.tool-call' && finding.era === peer.era))
    return;
  const candidates = (tools ?? [])
    .filter((tool) => isRecord(tool.annotations) && tool.annotations.readOnlyHint === true)
    .map((tool) => ({ name: String(tool.name), args: sampleArguments(tool.inputSchema) }))
    .filter((tool): tool is { name: string; args: Record<string, unknown> } => tool.args !== undefined)
    .sort((a, b) => Object.keys(a.args).length - Object.keys(b.args).length);
  const tool = candidates[0];
  if (tool === undefined)
    return report.skip('results.tool-call', peer.era, 'no read-only tool with simple arguments to call');
  const reply = await peer.call('tools/call', { name: tool.name, arguments: tool.args });
  const result = resultOf(reply);
  if (result && typeof result.resultType === 'string' && result.resultType !== 'complete') {
    return report.skip(
      'results.tool-call',
      peer.era,
      `${tool.name} answered resultType "${result.resultType}"`,
    );
  }
  checkAnswer(report, peer, 'results.tool-call', `tools/call ${tool.name}`, reply, toolResultShape);
}

function checkAnswer(
  report: Report,
  peer: Peer,
  rule: RuleId,
  what: string,
  reply: Parameters<typeof resultOf>[0],
  shape: Shape,
) {
  const result = resultOf(reply);
  report.check(
    rule,
    peer.era,
    result ? prefixed(what, shape(result)) : `${what} was answered ${describe(reply)}`,
    what,
  );
}

function prefixed(what: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${what}: ${problem}`;
}

/** Sample values for a schema's required properties of simple types; undefined when one is not simple. */
export function sampleArguments(schema: unknown): Record<string, unknown> | undefined {
  if (!isRecord(schema)) return undefined;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const args: Record<string, unknown> = {};
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    const property = properties[name];
    if (!isRecord(property)) return undefined;
    const value = sampleValue(property);
    if (value === undefined) return undefined;
    args[name] = value;
  }
  return args;
}

function sampleValue(property: Record<string, unknown>): unknown {
  if (Array.isArray(property.enum)) return property.enum[0];
  if (property.const !== undefined) return property.const;
  if (property.default !== undefined) return property.default;
  switch (property.type) {
    case 'string':
      return 'erlmcp';
    case 'number':
    case 'integer':
      return typeof property.minimum === 'number' ? property.minimum : 1;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}

/** 2026: every result the server sent during the run carries resultType. */
export function checkResultTypes(peer: Peer, report: Report): void {
  const results = peer.log.filter(({ reply }) => resultOf(reply) !== undefined);
  const without = results.find(({ reply }) => typeof resultOf(reply)?.resultType !== 'string');
  report.check(
    'results.result-type',
    'modern',
    without && `the ${without.method} result has no resultType`,
    `${results.length} results`,
  );
}
