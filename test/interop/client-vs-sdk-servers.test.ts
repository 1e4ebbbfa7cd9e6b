/**
 * The erlmcp client drives official SDK servers over stdio: SDK v2 in both eras (2026 via the
 * `server/discover` probe and multi round-trip input; 2025 via `initialize`), and SDK v1 (2025).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { VersionNegotiation } from '../../src/client/options.js';
import { StdioClientTransport } from '../../src/transports/stdio/client-transport.js';
import { contentText } from '../support/wait.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

async function connect(fixture: string, versionNegotiation: VersionNegotiation) {
  const client = new Client(
    { name: 'erlmcp-interop', version: '1.0.0' },
    {
      versionNegotiation,
      probeTimeoutMs: 3000,
      elicitation: async () => ({ action: 'accept', content: { name: 'Ada' } }),
    },
  );
  clients.push(client);
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(fixtures, fixture)],
      stderr: 'ignore',
    }),
  );
  return client;
}

const cases: { fixture: string; mode: VersionNegotiation; era: string; version: string; label: string }[] = [
  {
    fixture: 'sdk-v2-server.mjs',
    mode: 'auto',
    era: 'modern',
    version: '2026-07-28',
    label: 'SDK v2 server, 2026-07-28 (auto)',
  },
  {
    fixture: 'sdk-v2-server.mjs',
    mode: 'legacy',
    era: 'legacy',
    version: '2025-11-25',
    label: 'SDK v2 server, 2025-11-25 (legacy)',
  },
  {
    fixture: 'sdk-v1-server.mjs',
    mode: 'auto',
    era: 'legacy',
    version: '2025-11-25',
    label: 'SDK v1 server (auto falls back)',
  },
];

for (const { fixture, mode, era, version, label } of cases) {
  describe(`erlmcp client → ${label}`, () => {
    it('negotiates, calls tools with structured output, answers elicitation, reads, gets prompts', async () => {
      const client = await connect(fixture, mode);
      expect(client.era).toBe(era);
      expect(client.protocolVersion).toBe(version);
      expect(client.serverInfo?.name).toMatch(/^sdk-v[12]-fixture$/);
      const tools = await client.listAllTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['add', 'greet']));
      const sum = await client.callTool('add', { a: 20, b: 22 });
      expect(sum.structuredContent).toEqual({ sum: 42 });
      expect(contentText(await client.callTool('greet'))).toBe('Hello, Ada');
      const note = await client.readResource('note://hello');
      expect(note.contents[0]).toMatchObject({
        uri: 'note://hello',
        text: expect.stringContaining('hello from'),
      });
      const prompt = await client.getPrompt('review', { code: 'x = 1' });
      expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Review: x = 1' });
      await client.ping();
    });
  });
}
