/**
 * `erlmcp dev`: serves a module over HTTP with the observer, restarts it when a file under its
 * directory changes (same URL), survives a syntax error until the next save, and leaves no server
 * behind when the supervisor is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MODERN_HEADERS, modernToolCall, postOnFreshConnection } from '../support/cli-process.js';
import { CLI } from '../support/everything-command.js';
import { TEST_TMP_ENV } from '../support/global-setup.js';
import { waitUntil } from '../support/wait.js';

const ERLMCP = pathToFileURL(join(CLI, '../../index.js')).href;

/** The module served: its tool answers what `answer` (inline, or imported from lib/) says. */
function serverModule(answer: string): string {
  return `import { McpServer } from '${ERLMCP}';
${answer.startsWith('import') ? answer : `const ANSWER = ${JSON.stringify(answer)};`}
export function createServer() {
  const server = new McpServer({ name: 'dev', version: '1.0.0' });
  server.tool('answer', { handler: () => ANSWER });
  return server;
}
`;
}

async function answer(url: string): Promise<string | undefined> {
  const headers = { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'answer' };
  const { body } = await postOnFreshConnection(url, headers, modernToolCall(1, 'answer'));
  if (!body.result) throw new Error(`tools/call failed: ${JSON.stringify(body)}`);
  return body.result.content[0]?.text;
}

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('erlmcp dev', () => {
  it('restarts the server on a change at the same URL and waits out a syntax error', async () => {
    const dir = mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), 'erlmcp-dev-'));
    const file = join(dir, 'server.mjs');
    const lib = join(dir, 'lib', 'answer.mjs');
    mkdirSync(join(dir, 'lib'));
    writeFileSync(lib, `export const ANSWER = 'one';\n`);
    writeFileSync(file, serverModule(`import { ANSWER } from './lib/answer.mjs';`));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('ERLMCP_')),
    );
    const run = spawn(process.execPath, [CLI, 'dev', file, '--port', '0'], { stdio: 'pipe', env });
    child = run;
    let out = '';
    let err = '';
    run.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    run.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const restarts = () => out.split('erlmcp dev: restarted').length - 1;

    await waitUntil(() => out.includes('attach the MCP Inspector') || run.exitCode !== null, 15_000);
    const url = /MCP endpoint (\S+)/.exec(out)?.[1];
    expect(url, `${out}${err}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(out).toContain(`erlmcp: observer ${url!.replace(/mcp$/, 'observer')}`);
    expect(out).toContain(
      `npx @modelcontextprotocol/inspector, Transport Type "Streamable HTTP", URL ${url}`,
    );
    expect(await answer(url!)).toBe('one');

    // A file in a subdirectory the module imports.
    writeFileSync(lib, `export const ANSWER = 'two';\n`);
    await waitUntil(() => restarts() === 1, 15_000);
    expect(out).toContain(`erlmcp dev: restarted, serving ${url}`);
    expect(await answer(url!)).toBe('two');

    writeFileSync(file, `${serverModule('never')}const broken = ;\n`);
    await waitUntil(() => err.includes('waiting for a change'), 15_000);
    expect(err).toContain('has a syntax error');
    expect(err).toMatch(/server\.mjs:\d+\nconst broken = ;/);
    expect(run.exitCode).toBeNull();

    writeFileSync(file, serverModule('three'));
    await waitUntil(() => restarts() === 2, 15_000);
    expect(await answer(url!)).toBe('three');

    // Killed outright, the supervisor still takes its server with it (the child's IPC channel closes).
    run.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (
      await answer(url!).then(
        () => true,
        () => false,
      )
    ) {
      if (Date.now() > deadline) throw new Error('the served module outlived erlmcp dev');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 60_000);
});
