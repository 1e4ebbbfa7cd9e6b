/**
 * The gateway as an OAuth resource server with credentials of its own per upstream: a caller's
 * bearer token is checked at the gateway and never forwarded (the upstream sees only the gateway's
 * `Authorization`); tools needing a scope are hidden and refused for tokens without it; a
 * per-principal rate limit refuses the call past its burst; audit lines name principal, tool and
 * outcome, never argument values.
 */
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { StreamableHttpClientTransport } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { AuditLine } from '../../src/gateway/policy.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { type ProtectedServer, serveProtected } from '../support/protected-http.js';
import { type SdkV1HttpServer, startSdkV1HttpServer } from '../support/sdk-v1-http-server.js';
import { contentText } from '../support/wait.js';

const UPSTREAM_SECRET = 'Bearer upstream-secret';

let upstream: SdkV1HttpServer;
let gateway: Gateway;
let served: ProtectedServer;
const audit: AuditLine[] = [];
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  upstream = await startSdkV1HttpServer();
  gateway = new Gateway(
    {
      upstreams: {
        up: {
          url: upstream.url,
          auth: { headers: { Authorization: UPSTREAM_SECRET } },
          toolScopes: { add: ['tools:math'] },
        },
      },
      rateLimits: { perPrincipal: { perSecond: 0.01, burst: 2 } },
    },
    { onAudit: (line) => audit.push(line), onDiagnostic: () => {} },
  );
  await gateway.start();
  served = await serveProtected(() => {}, { mcp: gateway.server });
}, 30_000);

afterAll(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  await served?.stop();
  await gateway?.close();
  await upstream?.close();
});

/** A 2026 erlmcp client calling the gateway with `token`. */
async function modernWith(token: string): Promise<Client> {
  const client = new Client({ name: 'credentials-modern', version: '1' }, { versionNegotiation: 'modern' });
  clients.push(client);
  await client.connect(
    new StreamableHttpClientTransport(served.url, { headers: { authorization: `Bearer ${token}` } }),
  );
  return client;
}

/** A 2025 SDK v1 client calling the gateway with `token`. */
async function legacyWith(token: string): Promise<V1Client> {
  const client = new V1Client({ name: 'credentials-legacy', version: '1' });
  clients.push(client);
  await client.connect(
    new V1HttpTransport(new URL(served.url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe("the caller's token never reaches the upstream", () => {
  it("the upstream sees the gateway's credential, in both downstream eras", async () => {
    const token = await served.token({ sub: 'alice', scope: 'mcp' });
    const seenBefore = upstream.received.length;
    const modern = await modernWith(token);
    const fromModern = await modern.callTool('up__echo_headers', { note: 'modern' });
    const legacy = await legacyWith(token);
    const fromLegacy = await legacy.callTool({ name: 'up__echo_headers', arguments: { note: 'legacy' } });
    for (const result of [fromModern, fromLegacy]) {
      const text = contentText(result);
      expect(text.startsWith(`Authorization: ${UPSTREAM_SECRET}|`)).toBe(true);
      expect(text).not.toContain(token);
    }
    const received = upstream.received.slice(seenBefore);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((headers) => headers.authorization === UPSTREAM_SECRET)).toBe(true);
    // Not in any header, whole or in part (the JWT's signature is its most secret part).
    const signature = token.split('.')[2]!;
    expect(JSON.stringify(upstream.received)).not.toContain(signature);
  });

  it('a call without a token is refused at the gateway (401), before any upstream', async () => {
    const seenBefore = upstream.received.length;
    const response = await fetch(served.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
    await response.body?.cancel();
    expect(upstream.received.length).toBe(seenBefore);
  });
});

describe('policy per caller', () => {
  it("hides and refuses a tool whose scope the caller's token lacks", async () => {
    const without = await modernWith(await served.token({ sub: 'carol', scope: 'mcp' }));
    const hidden = (await without.listAllTools()).map((tool) => tool.name);
    expect(hidden).toContain('up__echo_headers');
    expect(hidden).not.toContain('up__add');
    await expect(without.callTool('up__add', { a: 1, b: 2 })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });

    const holder = await modernWith(await served.token({ sub: 'dave', scope: 'mcp tools:math' }));
    expect((await holder.listAllTools()).map((tool) => tool.name)).toContain('up__add');
    expect((await holder.callTool('up__add', { a: 1, b: 2 })).structuredContent).toEqual({ sum: 3 });
  });

  it('refuses the third quick call of one principal (burst 2) with the rate-limit error', async () => {
    const client = await modernWith(await served.token({ sub: 'bob', scope: 'mcp' }));
    await client.callTool('up__echo_headers', { note: 'one' });
    await client.callTool('up__echo_headers', { note: 'two' });
    await expect(client.callTool('up__echo_headers', { note: 'three' })).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
      message: expect.stringContaining('Rate limit exceeded (perPrincipal)'),
    });
    // Another principal has a bucket of its own.
    const other = await modernWith(await served.token({ sub: 'erin', scope: 'mcp' }));
    expect(contentText(await other.callTool('up__echo_headers', { note: 'four' }))).toContain(
      UPSTREAM_SECRET,
    );
  });

  it('writes an audit line per call: principal, tool, outcome; argument values never', async () => {
    const secretValue = 'argument-value-that-must-not-be-logged';
    const client = await modernWith(await served.token({ sub: 'frank', scope: 'mcp' }));
    const before = audit.length;
    await client.callTool('up__echo_headers', { note: secretValue });
    const lines = audit.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      principal: expect.stringContaining('frank'),
      tool: 'up__echo_headers',
      upstream: 'up',
      upstreamTool: 'echo_headers',
      outcome: 'ok',
      arguments: { note: `string(${secretValue.length})` },
    });
    expect(JSON.stringify(audit)).not.toContain(secretValue);
    expect(JSON.stringify(audit)).not.toContain('upstream-secret');
  });
});
