import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The CLI explains itself: each mistake gets a message that names it and says what to do, and an
// exit code (2 for usage, 1 for a configuration that cannot run). Runs the build, as installed.

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], {
    encoding: 'utf8',
    timeout: 15_000,
    // Nothing from the surrounding environment: erlmcp refuses ERLMCP_* names it does not know.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ERLMCP_'))),
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('erlmcp CLI errors', () => {
  it('prints its version', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(cli('--version')).toMatchObject({ code: 0, out: `${version}\n` });
  });

  it('names an unknown option, with the usage of its command', () => {
    const run = cli('serve', '--bogus');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^erlmcp: unknown option --bogus\nUsage: erlmcp serve /);
  });

  it('lists the allowed transports when one is misspelt', () => {
    const run = cli('serve', 'dist/examples/everything.js', '--transport', 'htp');
    expect(run.code).toBe(1);
    expect(run.err).toContain('transport must be one of "stdio", "http", "ws", "tcp" (from flags)');
  });

  it('refuses a network flag without a network transport instead of serving stdio', () => {
    const run = cli('serve', 'dist/examples/everything.js', '--port', '3005');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--port needs a network transport: add --transport http');
  });

  it('gives each command its own help', () => {
    expect(cli('serve', '--help').err).toMatch(/^Usage: erlmcp serve /);
    expect(cli('bench', '--help').err).toMatch(/^Usage: erlmcp bench /);
  });

  it('explains a TypeScript module and a missing one', () => {
    expect(cli('serve', 'src/index.ts').err).toContain('Build it to JavaScript first');
    expect(cli('serve', 'no-such-module.js').err).toContain('no-such-module.js: no such module');
  });

  it('names --args when its JSON is broken', () => {
    const run = cli('bench', 'http://127.0.0.1:9/mcp', '--args', '{x');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--args is not valid JSON');
  });
});
