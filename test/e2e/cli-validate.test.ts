/**
 * `erlmcp validate` as a user runs it: it passes the erlmcp everything example (HTTP and stdio), the
 * official SDK's Streamable HTTP example and @modelcontextprotocol/server-everything (stdio), and
 * names each rule a deliberately broken server breaks.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, type CliServer, runCli, startCli, startUrlServer } from '../support/cli-process.js';
import { CLI, EVERYTHING } from '../support/everything-command.js';
import { REPO_ROOT } from '../support/repo-root.js';

const require = createRequire(import.meta.url);
const SDK_EXAMPLE = require.resolve('@modelcontextprotocol/sdk/examples/server/simpleStreamableHttp.js');
const SERVER_EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const BAD_SERVER = join(REPO_ROOT, 'dist/test/fixtures/bad-mcp-server.js');
const LOOPBACK = join(REPO_ROOT, 'test/fixtures/listen-on-loopback.mjs');

const validate = (args: string[]) => runCli(['validate', ...args], 60_000);

/** rule id → outcomes seen (one per era), from the report's lines. */
function outcomes(run: CliRun): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const match of run.stdout.matchAll(/^ {2}(PASS|FAIL|WARN|SKIP) (\S+) \((\d{4}-\d{2}-\d{2})/gm)) {
    const [, outcome, rule, revision] = match as unknown as [string, string, string, string];
    seen.set(rule, [...(seen.get(rule) ?? []), `${outcome} ${revision}`]);
  }
  return seen;
}

function rulesWith(run: CliRun, outcome: string): string[] {
  return [...outcomes(run)]
    .filter(([, seen]) => seen.some((entry) => entry.startsWith(outcome)))
    .map(([rule]) => rule)
    .sort();
}

const servers: CliServer[] = [];
let erlmcpHttp: CliServer;
let sdkHttp: CliServer;
let badHttp: CliServer;

beforeAll(async () => {
  [erlmcpHttp, sdkHttp, badHttp] = await Promise.all([
    startCli([EVERYTHING, '--transport', 'http', '--port', '0']),
    startUrlServer(['--import', LOOPBACK, SDK_EXAMPLE]),
    startUrlServer([BAD_SERVER, '--http']),
  ]);
  servers.push(erlmcpHttp, sdkHttp, badHttp);
}, 30_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe('erlmcp validate against servers that keep the spec', () => {
  it('passes the erlmcp everything example over HTTP in both eras', async () => {
    const run = await validate([erlmcpHttp.url]);
    expect(run.stdout).not.toMatch(/^ {2}(FAIL|WARN)/m);
    expect(run.code).toBe(0);
    const seen = outcomes(run);
    expect(seen.get('errors.method-not-found')).toEqual(['PASS 2025-11-25', 'PASS 2026-07-28']);
    expect(seen.get('http.header-mismatch')).toEqual(['PASS 2026-07-28']);
    expect(seen.get('http.unknown-session')).toEqual(['PASS 2025-11-25']);
    expect(run.stdout).toMatch(/\d+ passed, 0 failed, 0 warnings/);
  }, 90_000);

  it('passes the erlmcp everything example over stdio; the HTTP rules are skipped', async () => {
    const run = await validate(['--', process.execPath, CLI, 'serve', EVERYTHING]);
    expect(run.stdout).not.toMatch(/^ {2}(FAIL|WARN)/m);
    expect(run.code).toBe(0);
    expect(outcomes(run).get('http.content-type')).toEqual(['SKIP 2025-11-25', 'SKIP 2026-07-28']);
    expect(run.stdout).toContain('SKIP http.session-id (2025-11-25): not HTTP');
    expect(outcomes(run).get('discover.result')).toEqual(['PASS 2026-07-28']);
  }, 90_000);

  // The SDK v1 servers speak only the 2025 era. They break two SHOULDs, reported as WARN (exit 0):
  // - 2025-11-25 server/tools#error-handling lists "Unknown tools" among the protocol errors
  //   (JSON-RPC -32602), but McpServer answers an unknown tool with an isError result;
  // - server/utilities/pagination#error-handling: "Invalid cursors SHOULD result in an error with
  //   code -32602", but McpServer ignores the cursor of tools/list.
  const SDK_WARNINGS = ['errors.unknown-tool', 'pagination.invalid-cursor'];

  it('passes the official SDK Streamable HTTP example; the 2026 era is skipped', async () => {
    const run = await validate([sdkHttp.url]);
    expect(rulesWith(run, 'FAIL')).toEqual([]);
    expect(rulesWith(run, 'WARN')).toEqual(SDK_WARNINGS);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SKIP discover.result (2026-07-28): server does not speak 2026-07-28');
    expect(outcomes(run).get('http.session-id')).toEqual(['PASS 2025-11-25']);
    expect(outcomes(run).get('http.unknown-session')).toEqual(['PASS 2025-11-25']);
  }, 90_000);

  it('passes @modelcontextprotocol/server-everything over stdio', async () => {
    const run = await validate(['--', process.execPath, SERVER_EVERYTHING, 'stdio']);
    expect(rulesWith(run, 'FAIL')).toEqual([]);
    expect(rulesWith(run, 'WARN')).toEqual(SDK_WARNINGS);
    expect(run.code).toBe(0);
    expect(outcomes(run).get('results.tools-list')).toEqual(['PASS 2025-11-25', 'SKIP 2026-07-28']);
  }, 90_000);
});

describe('erlmcp validate against a server that breaks it', () => {
  const STILL_PASSING = [
    'cancellation',
    'errors.unknown-tool',
    'lifecycle.initialize-result',
    'lifecycle.ping',
    'lifecycle.pre-initialize',
    'lifecycle.version-negotiation',
    'pagination.invalid-cursor',
    'pagination.walk',
    'results.tool-call',
  ];

  it('names every broken rule over HTTP with its spec section, and exits 1', async () => {
    const run = await validate([badHttp.url]);
    expect(run.code).toBe(1);
    expect(rulesWith(run, 'FAIL')).toEqual([
      'errors.method-not-found',
      'http.content-type',
      'http.session-id',
      'lifecycle.server-info',
      'results.tools-list',
    ]);
    expect(rulesWith(run, 'PASS')).toEqual(
      [
        ...STILL_PASSING,
        'http.notification-accepted',
        'http.parse-error',
        'http.protocol-version-header',
      ].sort(),
    );
    expect(run.stdout).toContain(
      'FAIL errors.method-not-found (2025-11-25 basic/index#error-responses): erlmcp-validate/no-such-method was answered HTTP 200 error -32600',
    );
    expect(run.stdout).toContain(
      'FAIL lifecycle.server-info (2025-11-25 basic/lifecycle#initialization): the result has no serverInfo',
    );
    expect(run.stdout).toContain('("broken") has no inputSchema');
    expect(run.stdout).toContain('Content-Type "text/plain"');
    expect(run.stdout).toContain('Mcp-Session-Id "late-session" came on a later response');
  }, 90_000);

  it('names the broken JSON-RPC rules over stdio; --json gives the same findings', async () => {
    const run = await validate(['--json', '--era', 'legacy', '--', process.execPath, BAD_SERVER]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      findings: { rule: string; era: string; outcome: string; spec: string }[];
    };
    expect(report.ok).toBe(false);
    const failed = report.findings.filter((finding) => finding.outcome === 'fail');
    expect(failed.map((finding) => finding.rule).sort()).toEqual([
      'errors.method-not-found',
      'lifecycle.server-info',
      'results.tools-list',
    ]);
    expect(failed.find((finding) => finding.rule === 'results.tools-list')?.spec).toBe(
      '2025-11-25 server/tools#tool',
    );
    const passed = report.findings
      .filter((finding) => finding.outcome === 'pass')
      .map((finding) => finding.rule);
    expect(passed.sort()).toEqual(STILL_PASSING);
    expect(report.findings.every((finding) => finding.era === 'legacy')).toBe(true);
  }, 90_000);
});

describe('erlmcp validate usage', () => {
  it('refuses a bad --era, a missing target and a second target with exit 2', async () => {
    const era = await validate([erlmcpHttp.url, '--era', '2026']);
    expect(era.code).toBe(2);
    expect(era.stderr).toContain('--era must be modern (2026), legacy (2025) or both');
    const none = await validate([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing <url>');
    const two = await validate([erlmcpHttp.url, 'extra']);
    expect(two.code).toBe(2);
  }, 30_000);

  it('exits 1 when nothing answers', async () => {
    const run = await validate(['--', process.execPath, '-e', 'setTimeout(() => {}, 100)']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('answered neither initialize nor server/discover');
  }, 60_000);
});
