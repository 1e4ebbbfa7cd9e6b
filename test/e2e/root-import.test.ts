import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// What an application pulls in by importing erlmcp: the root entry is the protocol API only, so a
// stdio server loads none of the optional integrations (their cost is paid by those who use them).
// Runs against the build (`npm test` builds first), as an installed package would.

const dist = join(process.cwd(), 'dist/src');
const dir = mkdtempSync(join(tmpdir(), 'erlmcp-root-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bare packages (node_modules) a script loads, recorded by a resolve hook. */
function packagesLoadedBy(source: string): string[] {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const script = join(dir, 'script.mjs');
  writeFileSync(script, source);
  execFileSync(process.execPath, ['--import', pathToFileURL(register).href, script], { timeout: 20_000 });
  const urls = readFileSync(log, 'utf8').split('\n');
  const names = new Set<string>();
  for (const url of urls) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

const OPTIONAL = ['ws', 'prom-client', 'pino', '@opentelemetry/api', 'oauth4webapi', 'jose'];
const url = (file: string) => JSON.stringify(pathToFileURL(join(dist, file)).href);

describe('what importing erlmcp loads', () => {
  it('a stdio server (root + erlmcp/stdio) loads none of ws, prom-client, pino, @opentelemetry/api, oauth4webapi, jose', () => {
    const loaded = packagesLoadedBy(
      `import { McpServer } from ${url('index.js')};\nimport { StdioServerTransport } from ${url('exports/stdio.js')};\nif (!McpServer || !StdioServerTransport) process.exit(1);\n`,
    );
    for (const name of OPTIONAL) expect(loaded, `${name} was loaded`).not.toContain(name);
  });

  it('each optional integration is loaded by its own subpath (the check above can fail)', () => {
    expect(packagesLoadedBy(`import ${url('exports/websocket.js')};\n`)).toContain('ws');
    expect(packagesLoadedBy(`import ${url('exports/metrics.js')};\n`)).toContain('prom-client');
    expect(packagesLoadedBy(`import ${url('exports/logging.js')};\n`)).toContain('pino');
    expect(packagesLoadedBy(`import ${url('exports/tracing.js')};\n`)).toContain('@opentelemetry/api');
    expect(packagesLoadedBy(`import ${url('exports/auth.js')};\n`)).toEqual(
      expect.arrayContaining(['jose', 'oauth4webapi']),
    );
    // An HTTP server without auth configured does not load the JWT library either, and a client
    // transport takes an OAuth client without loading oauth4webapi itself.
    const http = packagesLoadedBy(`import ${url('exports/http.js')};\n`);
    expect(http).not.toContain('jose');
    expect(http).not.toContain('oauth4webapi');
  });

  it('the root exports the protocol API only: no transports, observability or internals', async () => {
    const root = await import(pathToFileURL(join(dist, 'index.js')).href);
    const names = Object.keys(root).sort();
    for (const internal of [
      'Supervisor',
      'RestartBudget',
      'createLinkedPair',
      'SOCKET_DEFAULTS',
      'serveHttp',
      'StdioServerTransport',
      'createMetrics',
      'enableTracing',
      'enableRequestLogs',
      'KeyedRateLimiter',
    ]) {
      expect(names).not.toContain(internal);
    }
    expect(names).toContain('McpServer');
    expect(names).toContain('Client');
    expect(names.length).toBeLessThan(40);
  });
});
