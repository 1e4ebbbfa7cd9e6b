/** `erlmcp call` and `erlmcp inspect` as a user runs them: the built CLI against the everything example. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, runCli, startCli } from '../support/cli-process.js';
import { CLI, EVERYTHING } from '../support/everything-command.js';

const cli = (args: string[]) => runCli(args);

let server: CliServer;
beforeAll(async () => {
  server = await startCli([EVERYTHING, '--transport', 'http', '--port', '0']);
}, 20_000);
afterAll(async () => {
  await server?.stop();
});

describe('erlmcp call', () => {
  it('calls a tool and prints its text', async () => {
    const run = await cli(['call', server.url, 'echo', '--args', '{"message":"hi"}']);
    expect(run.stdout).toContain('Echo: hi');
    expect(run.code).toBe(0);
  });

  it('sends a name with a slash as a JSON-RPC method; --json prints the raw result', async () => {
    const run = await cli(['call', server.url, 'tools/list', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { tools: { name: string }[] };
    expect(result.tools.map((tool) => tool.name)).toContain('echo');
  });

  it('exits 1 when the tool returns isError', async () => {
    const run = await cli(['call', server.url, 'test_error_handling']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('intentionally returns an error');
  });

  it("exits 1 with the server's error code and message", async () => {
    const run = await cli(['call', server.url, 'resources/read', '--args', '{"uri":"nope://x"}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/server error -32602: .*nope:\/\/x/);
  });

  it('names the closest tool when the server does not know the one asked for', async () => {
    const run = await cli(['call', server.url, 'ecoh', '--args', '{"message":"x"}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/server error -32602: Unknown tool: ecoh \(did you mean echo\?\)/);
    const far = await cli(['call', server.url, 'zzzzzzzz']);
    expect(far.stderr).not.toContain('did you mean');
  });

  it('starts a stdio server from the command after --, in either era', async () => {
    for (const era of ['modern', 'legacy']) {
      const run = await cli([
        'call',
        'echo',
        '--args',
        '{"message":"over stdio"}',
        '--era',
        era,
        '--',
        process.execPath,
        CLI,
        'serve',
        EVERYTHING,
      ]);
      expect(run.stdout).toContain('Echo: over stdio');
      expect(run.code).toBe(0);
    }
  }, 40_000);

  it('refuses bad --args JSON, a bad --era and a non-URL target with exit 2', async () => {
    const bad = await cli(['call', server.url, 'echo', '--args', '{bad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--args is not valid JSON');
    const era = await cli(['call', server.url, 'echo', '--era', '2026']);
    expect(era.code).toBe(2);
    expect(era.stderr).toContain('--era must be modern');
    const target = await cli(['call', 'node server.js', 'echo']);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('after --');
  });
});

describe('erlmcp inspect', () => {
  it('prints the server, its protocol and its tools as a table', async () => {
    const run = await cli(['inspect', server.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('erlmcp-everything');
    expect(run.stdout).toMatch(/protocol {2}\d{4}-\d{2}-\d{2}/);
    expect(run.stdout).toMatch(/^ {2}echo +Echoes/m);
  });

  it('prints one JSON object with --json', async () => {
    const run = await cli(['inspect', server.url, '--json']);
    expect(run.code).toBe(0);
    const inspection = JSON.parse(run.stdout) as {
      serverInfo: { name: string };
      tools: { name: string }[];
      prompts: unknown[];
    };
    expect(inspection.serverInfo.name).toBe('erlmcp-everything');
    expect(inspection.tools.some((tool) => tool.name === 'echo')).toBe(true);
    expect(Array.isArray(inspection.prompts)).toBe(true);
  });

  it('suggests the flag meant', async () => {
    const run = await cli(['inspect', server.url, '--jsn']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean --json?');
  });
});
