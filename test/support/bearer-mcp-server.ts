/**
 * TEST-ONLY protected MCP server, until erlmcp's own resource server lands: an erlmcp server behind a
 * bearer check done with `jose` against the authorization server's JWKS (issuer and `aud` = this
 * resource). It serves Protected Resource Metadata at the path-inserted well-known URL, answers 401
 * with `resource_metadata` and `scope`, and 403 `insufficient_scope` for tools that need more.
 * Not a reference implementation: no caching policy, no DPoP, no introspection.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { insertWellKnown } from '../../src/auth/metadata/well-known.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { nodeHandler } from '../../src/transports/http/adapters.js';
import { createHttpSseHandler } from '../../src/transports/http/http-sse-2024.js';

export interface BearerMcpServer {
  /** The MCP endpoint (and OAuth resource), with a path: `http://127.0.0.1:port/servers/one/mcp`. */
  url: string;
  /** Requests answered, by status (401, 403, 200…). */
  statuses: Record<number, number>;
  /** Every POST's JSON-RPC method and the session it carried, in order. */
  posts: { method: string; session: string | undefined; status: number }[];
  /** The status of every GET (the 2025 session stream, the HTTP+SSE stream), in order. */
  gets: number[];
  /** The same server over the 2024-11-05 HTTP+SSE transport only (its own resource). */
  sseUrl: string;
  /** Makes the next `count` authenticated requests fail with 401 (a revoked token). */
  revokeNext(count: number): void;
  close(): Promise<void>;
}

export interface BearerMcpServerOptions {
  issuer: string;
  jwksUri: string;
  /** Scope every request needs. Default `mcp:read`. */
  baseScope?: string;
  /** Tools that need more than the base scope. Default `{ admin_tool: 'mcp:admin' }`. */
  toolScopes?: Record<string, string>;
}

export async function startBearerMcpServer(options: BearerMcpServerOptions): Promise<BearerMcpServer> {
  const baseScope = options.baseScope ?? 'mcp:read';
  const toolScopes = options.toolScopes ?? { admin_tool: 'mcp:admin' };
  const mcp = new McpServer({ name: 'protected', version: '1.0.0', onDiagnostic: () => {} });
  mcp.tool('whoami', { description: 'Says hello', handler: () => 'hello' });
  mcp.tool('admin_tool', { description: 'Needs mcp:admin', handler: () => 'admin done' });
  const handler = nodeHandler(mcp);
  const sse = createHttpSseHandler(mcp, '/servers/one/messages');
  const jwks = createRemoteJWKSet(new URL(options.jwksUri));
  const statuses: Record<number, number> = {};
  const posts: BearerMcpServer['posts'] = [];
  const gets: number[] = [];
  let revocations = 0;
  const sockets = new Set<Socket>();

  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', url).pathname;
    const documented = [url, sseUrl].find((resource) => metadataUrlOf(resource).pathname === path);
    if (req.method === 'GET' && documented) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          resource: documented,
          authorization_servers: [options.issuer],
          scopes_supported: [baseScope],
        }),
      );
      return;
    }
    const legacy = path === '/servers/one/sse' || path === '/servers/one/messages';
    if (path !== endpoint.pathname && !legacy) {
      res.writeHead(404).end();
      return;
    }
    const resource = legacy ? sseUrl : url;
    const prmUrl = metadataUrlOf(resource);
    // The HTTP+SSE message endpoint reads its own body (its scopes are not checked here).
    const body = req.method === 'POST' && path !== '/servers/one/messages' ? await readJson(req) : undefined;
    const method = typeof body?.method === 'string' ? body.method : '';
    const answer = (status: number) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (req.method === 'POST') posts.push({ method, session: header(req, 'mcp-session-id'), status });
      if (req.method === 'GET') gets.push(status);
    };
    const challenge = (status: 401 | 403, scope: string, error?: string) => {
      answer(status);
      const parts = [
        `resource_metadata="${prmUrl.href}"`,
        `scope="${scope}"`,
        ...(error ? [`error="${error}"`] : []),
      ];
      res.writeHead(status, { 'www-authenticate': `Bearer ${parts.join(', ')}` }).end();
    };
    const authorization = header(req, 'authorization');
    if (!authorization?.startsWith('Bearer ')) return challenge(401, baseScope);
    let scopes: string[];
    try {
      const { payload } = await jwtVerify(authorization.slice(7), jwks, {
        issuer: options.issuer,
        audience: resource,
      });
      scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    } catch {
      return challenge(401, baseScope, 'invalid_token');
    }
    if (revocations > 0) {
      revocations--;
      return challenge(401, baseScope, 'invalid_token');
    }
    const params = body?.params as { name?: unknown } | undefined;
    const needed = [baseScope, ...(method === 'tools/call' ? [toolScopes[String(params?.name)] ?? ''] : [])];
    const missing = needed.filter((scope) => scope && !scopes.includes(scope));
    if (missing.length > 0) return challenge(403, missing.join(' '), 'insufficient_scope');
    if (path === '/servers/one/messages') {
      answer(200);
      return sse.message(req, res);
    }
    if (legacy) {
      if (req.method !== 'GET') return void res.writeHead(405).end();
      answer(200);
      return sse.stream(req, res);
    }
    answer(200);
    await handler(req, res, body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/servers/one/mcp`;
  const sseUrl = `http://127.0.0.1:${port}/servers/one/sse`;
  const endpoint = new URL(url);
  return {
    url,
    sseUrl,
    statuses,
    posts,
    gets,
    revokeNext(count) {
      revocations += count;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await handler.close();
      await sse.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const metadataUrlOf = (resource: string) => insertWellKnown(resource, 'oauth-protected-resource');

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
