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

  it("names an unknown option with its command's options and usage, suggesting the likely one", () => {
    const bogus = cli('serve', '--bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(
      /^erlmcp serve: unknown option --bogus\nerlmcp serve takes: --transport --host --port .*\nUsage: erlmcp serve /,
    );
    expect(cli('serve', 'x.js', '--prot', '3000').err).toMatch(
      /^erlmcp serve: unknown option --prot; did you mean --port\?\n/,
    );
    expect(cli('bench', 'http://127.0.0.1:9/mcp', '--conections', '4').err).toMatch(
      /^erlmcp bench: unknown option --conections; did you mean --connections\?\nerlmcp bench takes: --tool --args --rate --connections --duration/,
    );
    // Each command has its own options: bench has no --transport.
    expect(cli('bench', 'http://127.0.0.1:9/mcp', '--transport', 'http').err).toMatch(
      /^erlmcp bench: unknown option --transport\n/,
    );
  });

  it('lists the allowed transports when one is misspelt, suggesting the likely one', () => {
    const run = cli('serve', 'dist/examples/everything.js', '--transport', 'htp');
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'transport must be one of "stdio", "http", "ws", "tcp" (from flags); did you mean "http"?',
    );
  });

  it('suggests a command for a misspelt one', () => {
    const run = cli('serv', 'x.js');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      /^erlmcp: unknown command "serv"; did you mean "serve"\?\nUsage: erlmcp serve <module>/,
    );
  });

  it('refuses a network flag without a network transport instead of serving stdio', () => {
    const run = cli('serve', 'dist/examples/everything.js', '--port', '3005');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--port needs a network transport: add --transport http');
  });

  it('gives each command its own help', () => {
    expect(cli('serve', '--help').err).toMatch(/^Usage: erlmcp serve /);
    expect(cli('bench', '--help').err).toMatch(/^Usage: erlmcp bench /);
    expect(cli('dev', '--help').err).toMatch(/^Usage: erlmcp dev /);
    expect(cli('dev')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^erlmcp dev: missing <module>\n/),
    });
  });

  it('explains a missing module', () => {
    expect(cli('serve', 'no-such-module.js').err).toContain('no-such-module.js: no such module');
  });

  it('names the bench flag at fault and what it takes', () => {
    const target = 'http://127.0.0.1:9/mcp';
    const err = (...args: string[]) => {
      const run = cli('bench', ...args);
      expect(run.code).toBe(2);
      return run.err.split('\n')[0];
    };
    expect(err(target, '--args', '{x')).toMatch(/^erlmcp bench: --args is not valid JSON/);
    expect(err(target, '--args', '[1]')).toBe(
      `erlmcp bench: --args must be a JSON object of the tool's arguments, e.g. '{"message":"hi"}'`,
    );
    expect(err(target, '--rate', 'fast')).toBe(
      'erlmcp bench: --rate must be a positive number of requests a second (got "fast")',
    );
    expect(err(target, '--connections', '2.5')).toBe(
      'erlmcp bench: --connections must be a positive whole number of requests in flight (got "2.5")',
    );
    expect(err(target, '--duration', '0')).toBe(
      'erlmcp bench: --duration must be a positive number of seconds (got "0")',
    );
    expect(err(target, '--rate', '5', '--connections', '2')).toBe(
      'erlmcp bench: --rate (open loop) and --connections (closed loop) exclude each other: give one',
    );
    expect(err('htp://127.0.0.1:9/mcp')).toBe(
      'erlmcp bench: cannot reach htp://127.0.0.1:9/mcp: the URL scheme "htp" is not one of http, https, ws, wss, tcp, tls; did you mean "http"?',
    );
    expect(err('node', 'server.js')).toBe(
      'erlmcp bench: unexpected argument "server.js" (one target: quote a command with its arguments)',
    );
  });
});
