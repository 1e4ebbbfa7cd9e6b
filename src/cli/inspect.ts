import type { Client } from '../client/client.js';
import type { VersionNegotiation } from '../client/options.js';
import { walkPages } from '../client/paging.js';
import type { Implementation, ServerCapabilities } from '../protocol/types.js';
import { withClient } from './connect.js';
import type { Target } from './target.js';

/** What `erlmcp inspect` reports; a list is absent when the server does not declare its capability. */
export interface Inspection {
  serverInfo: Implementation | undefined;
  protocolVersion: string | undefined;
  instructions?: string;
  capabilities: ServerCapabilities;
  tools?: { name: string; description?: string }[];
  resources?: { uri: string; name: string; description?: string }[];
  resourceTemplates?: { uriTemplate: string; name: string; description?: string }[];
  prompts?: { name: string; description?: string }[];
}

export async function runInspect(target: Target, era: VersionNegotiation): Promise<Inspection> {
  return withClient(target, era, async (client) => {
    const capabilities = client.serverCapabilities ?? {};
    const inspection: Inspection = {
      serverInfo: client.serverInfo,
      protocolVersion: client.protocolVersion,
      ...(client.instructions === undefined ? {} : { instructions: client.instructions }),
      capabilities,
    };
    if (capabilities.tools) {
      inspection.tools = (await client.listAllTools()).map((tool) => brief(tool.name, tool.description, {}));
    }
    if (capabilities.resources) {
      inspection.resources = (await client.listAllResources()).map((resource) =>
        brief(resource.name, resource.description, { uri: resource.uri }),
      );
      inspection.resourceTemplates = (await allTemplates(client)).map((template) =>
        brief(template.name, template.description, { uriTemplate: template.uriTemplate }),
      );
    }
    if (capabilities.prompts) {
      inspection.prompts = (await allPrompts(client)).map((prompt) =>
        brief(prompt.name, prompt.description, {}),
      );
    }
    return inspection;
  });
}

function allTemplates(client: Client) {
  return walkPages(
    (cursor) => client.listResourceTemplates(cursor ? { cursor } : {}),
    (page) => page.resourceTemplates,
  );
}

function allPrompts(client: Client) {
  return walkPages(
    (cursor) => client.listPrompts(cursor ? { cursor } : {}),
    (page) => page.prompts,
  );
}

/** Name plus the description's first line: a table row, not the whole prose. */
function brief<T extends object>(name: string, description: string | undefined, rest: T) {
  const first = description?.split('\n')[0]?.trim();
  return { ...rest, name, ...(first ? { description: first } : {}) };
}

export function formatInspection(inspection: Inspection): string {
  const info = inspection.serverInfo;
  const lines = [
    `server    ${info ? `${info.name} ${info.version}` : '(no serverInfo)'}`,
    `protocol  ${inspection.protocolVersion ?? '?'}`,
    `capabilities  ${Object.keys(inspection.capabilities).join(', ') || '(none)'}`,
  ];
  if (inspection.instructions)
    lines.push(
      '',
      'instructions',
      ...inspection.instructions.split('\n').map((line) => `  ${line}`.trimEnd()),
    );
  const section = (title: string, rows: { key: string; description?: string }[] | undefined) => {
    if (rows === undefined) return;
    lines.push('', `${title} (${rows.length})`);
    const width = Math.min(40, Math.max(0, ...rows.map((row) => row.key.length)));
    for (const row of rows) lines.push(`  ${row.key.padEnd(width)}  ${row.description ?? ''}`.trimEnd());
  };
  section(
    'tools',
    inspection.tools?.map((tool) => ({ key: tool.name, ...pick(tool) })),
  );
  section(
    'resources',
    inspection.resources?.map((resource) => ({ key: resource.uri, ...pick(resource) })),
  );
  section(
    'resource templates',
    inspection.resourceTemplates?.map((template) => ({ key: template.uriTemplate, ...pick(template) })),
  );
  section(
    'prompts',
    inspection.prompts?.map((prompt) => ({ key: prompt.name, ...pick(prompt) })),
  );
  return lines.join('\n');
}

function pick(row: { description?: string }) {
  return row.description === undefined ? {} : { description: row.description };
}
