/** `erlmcp serve --auth-*`: the CLI's OAuth resource server (the verification itself is tested in src/auth). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliServer, MODERN_HEADERS, modernToolCall, startCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../dist/examples/everything.js', import.meta.url));

let running: CliServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('erlmcp serve --auth-issuer', () => {
  it('answers 401 with a challenge naming its metadata, which it serves with the endpoint as resource', async () => {
    const port = await freePort();
    // Nothing listens on the issuer: a token cannot be verified, which must be a 401, never a 500.
    running = await startCli([
      EXAMPLE,
      '--transport',
      'http',
      '--port',
      String(port),
      '--auth-issuer',
      'http://127.0.0.1:9/',
    ]);
    const endpoint = `http://127.0.0.1:${port}/mcp`;
    const anonymous = await fetch(endpoint, {
      method: 'POST',
      headers: MODERN_HEADERS,
      body: modernToolCall(1, 'echo', { message: 'x' }),
    });
    expect(anonymous.status).toBe(401);
    const metadataUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toEqual({
      resource: endpoint,
      authorization_servers: ['http://127.0.0.1:9/'],
      bearer_methods_supported: ['header'],
    });
    const bearer = await fetch(endpoint, {
      method: 'POST',
      headers: { ...MODERN_HEADERS, authorization: 'Bearer not.a.token' },
      body: modernToolCall(2, 'echo', { message: 'x' }),
    });
    expect(bearer.status).toBe(401);
    expect(bearer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // The client is told it cannot be verified; the operator's log has the detail.
    expect(bearer.headers.get('www-authenticate')).not.toContain('127.0.0.1:9/.well-known');
    expect(running.stderr()).toContain('token refused');
    // Admin routes need a token too.
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
  });

  it('refuses OAuth on stdio and tcp, and an issuer that is not a URL', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'serve', EXAMPLE, ...args], { encoding: 'utf8', timeout: 15_000 });
    expect(run('--auth-issuer', 'http://127.0.0.1:9').stderr).toContain('stdio servers do not use OAuth');
    expect(run('--transport', 'tcp', '--auth-issuer', 'http://127.0.0.1:9').stderr).toContain('mutual TLS');
    expect(run('--transport', 'http', '--auth-issuer', 'not-a-url').stderr).toMatch(/auth\.issuer/);
  });
});
