/** Streamable HTTP over TLS: https with mutual TLS, the principal in handlers, refused handshakes, reload. */
import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpServerHandle, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { clientTls, serverMutualTls } from '../support/test-certs.js';
import { testCerts } from '../support/transport-kinds.js';

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'https-test', version: '1' },
};

/** One 2026 tools/call over https; resolves with the status and body, or the TLS error code. */
function call(
  url: string,
  tls: Record<string, unknown>,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        ...tls,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'whoami',
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'whoami', arguments: {}, _meta: MODERN_META },
      }),
    );
  });
}

describe('https', () => {
  let handle: HttpServerHandle | undefined;
  afterEach(async () => {
    await handle?.destroy();
    handle = undefined;
  });

  it('serves MCP over mutual TLS with the client identity as principal, refuses other clients, reloads', async () => {
    const c = testCerts();
    const server = new McpServer({ name: 'https', version: '1', onDiagnostic: () => {} });
    server.tool('whoami', { handler: (_args, ctx) => ctx.principal ?? 'anonymous' });
    const tls = serverMutualTls(c);
    handle = await serveHttp(server, { port: 0, tls });
    expect(handle.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const ca = c.read(c.ca);
    const good = await call(handle.url, clientTls(c));
    expect(good).toMatchObject({ status: 200 });
    expect(JSON.parse((good as { body: string }).body).result.content[0].text).toBe(
      'spiffe://erlmcp.test/client-a',
    );

    expect(await call(handle.url, { ca })).toHaveProperty('error');
    expect(
      await call(handle.url, { ca, cert: c.read(c.foreignClientCert), key: c.read(c.foreignClientKey) }),
    ).toHaveProperty('error');
    expect(
      await call(handle.url, { ca, cert: c.read(c.expiredClientCert), key: c.read(c.expiredClientKey) }),
    ).toHaveProperty('error');
    // Plain http on the TLS port gets no MCP answer.
    const plain = await fetch(handle.url.replace('https:', 'http:'), { method: 'POST', body: '{}' }).then(
      (response) => response.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);

    tls.cert.path = c.reloadedServerCert;
    tls.key.path = c.reloadedServerKey;
    handle.reloadTls();
    const peer = await new Promise<string>((resolve, reject) => {
      const req = request(handle!.url, {
        method: 'GET',
        agent: false,
        ca,
        cert: c.read(c.clientCert),
        key: c.read(c.clientKey),
      });
      req.once('response', (res) => {
        const socket = res.socket as import('node:tls').TLSSocket;
        resolve(String(socket.getPeerCertificate().subject.CN));
        res.resume();
      });
      req.once('error', reject);
      req.end();
    });
    expect(peer).toBe('erlmcp-reloaded');
  });

  it('binds a 2025 session to the identity that opened it (optional client certificates)', async () => {
    const c = testCerts();
    const server = new McpServer({ name: 'https', version: '1', onDiagnostic: () => {} });
    const tls = {
      cert: { path: c.serverCert },
      key: { path: c.serverKey },
      clientCa: { path: c.ca },
      requireClientCert: false,
    };
    handle = await serveHttp(server, { port: 0, tls });
    const ca = c.read(c.ca);
    const post = (body: unknown, options: Record<string, unknown>, session?: string) =>
      new Promise<{ status: number; session: string | undefined }>((resolve, reject) => {
        const req = request(handle!.url, {
          method: 'POST',
          agent: false,
          ...options,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' } : {}),
          },
        });
        req.once('response', (res) => {
          res.resume();
          resolve({
            status: res.statusCode ?? 0,
            session: res.headers['mcp-session-id'] as string | undefined,
          });
        });
        req.once('error', reject);
        req.end(JSON.stringify(body));
      });
    const owner = { ca, cert: c.read(c.clientCert), key: c.read(c.clientKey) };
    const opened = await post(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'a', version: '1' } },
      },
      owner,
    );
    expect(opened.status).toBe(200);
    const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
    expect((await post(ping, owner, opened.session)).status).toBe(200);
    // Same session id, no certificate: another identity, so the session does not exist for it.
    expect((await post(ping, { ca }, opened.session)).status).toBe(404);
  });
});
