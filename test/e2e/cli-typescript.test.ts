/**
 * `erlmcp serve server.ts`: served where the running Node strips types (Node 24 from the registry),
 * and explained where it does not (this machine's Node 20, or stripping turned off).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { StdioClientTransport } from '../../src/transports/stdio/client-transport.js';
import { CLI } from '../support/everything-command.js';
import { TEST_TMP_ENV } from '../support/global-setup.js';
import { node24 } from '../support/node-24.js';
import { contentText } from '../support/wait.js';

/** Erasable syntax only (annotations, an interface, `satisfies`): what Node can strip. */
const MODULE = (erlmcp: string) => `import { McpServer } from '${erlmcp}';

interface Greeting {
  name: string;
}

const server: McpServer = new McpServer({ name: 'typed', version: '1.0.0' });
server.tool('greet', {
  inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  handler: (args: Record<string, unknown>): string => \`hello \${(args as unknown as Greeting).name}\`,
});
server.tool('node', { handler: (): string => process.versions.node });
export default server satisfies McpServer;
`;

let file: string;
beforeAll(() => {
  const dir = mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), 'erlmcp-ts-'));
  file = join(dir, 'server.ts');
  writeFileSync(file, MODULE(pathToFileURL(join(CLI, '../../index.js')).href));
});

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe('erlmcp serve file.ts', () => {
  it('serves it over stdio where Node strips types (Node 24)', async () => {
    client = new Client({ name: 'ts-test', version: '1' });
    await client.connect(
      new StdioClientTransport({ command: node24(), args: [CLI, 'serve', file], stderr: 'pipe' }),
    );
    expect((await client.listAllTools()).map((tool) => tool.name)).toEqual(['greet', 'node']);
    expect(contentText(await client.callTool('greet', { name: 'ts' }))).toBe('hello ts');
    expect(Number(contentText(await client.callTool('node')).split('.')[0])).toBeGreaterThanOrEqual(23);
  });

  it('says how to run it where Node cannot strip types', () => {
    const run = spawnSync(process.execPath, [CLI, 'serve', file], { encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 6)) {
      expect(run.stderr).toContain(`Node v${process.versions.node} cannot run TypeScript`);
      expect(run.stderr).toContain('(tsc)');
      expect(run.stderr).toContain('use Node >= 22.18');
      expect(run.stderr).toContain('node --import tsx');
    }
    const off = spawnSync(node24(), ['--no-experimental-strip-types', CLI, 'serve', file], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(off.status).toBe(1);
    expect(off.stderr).toContain('type stripping is turned off');
  });
});
