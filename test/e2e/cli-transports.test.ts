/** `erlmcp serve --transport ws|tcp` with TLS flags, reached through `transportForUrl`. */
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { transportForUrl } from '../../src/transports/transport-for-url.js';
import { type CliServer, startCli } from '../support/cli-process.js';
import { clientTls, cliTlsFlags } from '../support/test-certs.js';
import { testCerts } from '../support/transport-kinds.js';
import { contentText, waitUntil } from '../support/wait.js';

const FIXTURE = 'test/fixtures/slow-server.mjs';

describe('erlmcp serve over WebSocket and TCP', () => {
  let server: CliServer | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.stop();
    client = undefined;
    server = undefined;
  });

  for (const transport of ['ws', 'tcp'] as const) {
    it(`serves ${transport} with mutual TLS, gives handlers the principal, and reloads on SIGHUP`, async () => {
      const c = testCerts();
      server = await startCli([FIXTURE, '--transport', transport, '--port', '0', ...cliTlsFlags(c)]);
      expect(server.url).toMatch(
        transport === 'ws' ? /^wss:\/\/127\.0\.0\.1:\d+\/mcp$/ : /^tls:\/\/127\.0\.0\.1:\d+$/,
      );
      const tls = clientTls(c);
      client = new Client({ name: 'cli-test', version: '1' });
      await client.connect(transportForUrl(server.url, { websocket: { tls }, tcp: { tls } }));
      expect(contentText(await client.callTool('principal'))).toBe('spiffe://erlmcp.test/client-a');
      server.child.kill('SIGHUP');
      const cli = server;
      await waitUntil(() => cli.stderr().includes('TLS certificates reloaded'));
      expect(contentText(await client.callTool('principal'))).toBe('spiffe://erlmcp.test/client-a');
    }, 20_000);
  }

  it('rejects an unknown transport at start-up with a message naming it', async () => {
    await expect(startCli([FIXTURE, '--transport', 'carrier-pigeon'])).rejects.toThrow(/transport/);
  });
});
