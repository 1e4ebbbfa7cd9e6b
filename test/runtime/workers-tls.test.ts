import { afterEach, describe, expect, it } from 'vitest';
import { type CliServer, postOnFreshConnection, startCli } from '../support/cli-process.js';
import { clientTls, cliTlsFlags } from '../support/test-certs.js';
import { testCerts } from '../support/transport-kinds.js';
import { waitUntil } from '../support/wait.js';

/** A POST on a fresh TLS connection with the test client certificate: any worker may take it. */
async function post(url: string, headers: Record<string, string>, body: unknown) {
  const c = testCerts();
  const answer = await postOnFreshConnection(
    url,
    { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    JSON.stringify(body),
    clientTls(c),
  );
  return { ...answer, session: answer.headers['mcp-session-id'] as string | undefined };
}

describe('erlmcp serve --workers with mutual TLS', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('keeps a 2025 session bound to its client identity whichever worker the connection lands on', async () => {
    const c = testCerts();
    server = await startCli([
      'test/fixtures/slow-server.mjs',
      '--transport',
      'http',
      '--port',
      '0',
      '--workers',
      '2',
      ...cliTlsFlags(c),
    ]);
    const cli = server;
    await waitUntil(() => [...cli.stderr().matchAll(/worker \d+ ready/g)].length === 2, 10_000);
    const opened = await post(
      cli.url,
      {},
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      },
    );
    expect(opened.status).toBe(200);
    const headers = { 'mcp-session-id': opened.session!, 'mcp-protocol-version': '2025-11-25' };
    // Eight fresh connections: the cluster spreads them over both workers, so some are proxied.
    for (let i = 0; i < 8; i++) {
      const principal = await post(cli.url, headers, {
        jsonrpc: '2.0',
        id: 10 + i,
        method: 'tools/call',
        params: { name: 'principal', arguments: {} },
      });
      expect(principal.status).toBe(200);
      expect(principal.body.result?.content[0]?.text).toBe('spiffe://erlmcp.test/client-a');
    }
  }, 30_000);
});
