/**
 * An erlmcp server behind `bearerAuth` on loopback (serveHttp, port 0), its local issuer, and raw
 * HTTP helpers for both eras that send a bearer token and return status, headers and the JSON-RPC
 * message of the body.
 */
import {
  type BearerAuth,
  type BearerAuthOptions,
  bearerAuth,
} from '../../src/auth/resource-server/bearer-auth.js';
import { type JwtVerifierOptions, jwtVerifier } from '../../src/auth/resource-server/jwt-verifier.js';
import type { TokenVerifier } from '../../src/auth/resource-server/token-verifier.js';
import { type HttpServerHandle, type ServeHttpOptions, serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import type { McpServerOptions } from '../../src/server/options.js';
import { mcpNameSource } from '../../src/transports/http/mcp-name.js';
import { LocalIssuer, type MintOptions } from './local-issuer.js';
import { BARE_MODERN_META } from './server-harness.js';

export interface ProtectedServer {
  issuer: LocalIssuer;
  mcp: McpServer;
  http: HttpServerHandle;
  auth: BearerAuth;
  /** The endpoint URL, which is also the resource and the audience. */
  url: string;
  /** A token for `url` with `sub: alice` and the given scope, other claims as given. */
  token(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  stop(): Promise<void>;
}

export interface ProtectedOptions {
  server?: Partial<McpServerOptions>;
  http?: ServeHttpOptions;
  auth?: Partial<BearerAuthOptions>;
  jwt?: Partial<JwtVerifierOptions>;
  /** An issuer to share (not stopped by `stop`); a new one otherwise. */
  issuer?: LocalIssuer;
  /** The server to protect (a gateway's); a new one otherwise. */
  mcp?: McpServer;
}

/**
 * Serves `setup`'s server with `auth: bearerAuth({ authorizationServers: [issuer], verifier:
 * jwtVerifier({ issuer, audience }) })`, the resource left to serveHttp (the URL it listens on). The
 * audience is that same URL, known only once listening, so the verifier is made then.
 */
export async function serveProtected(
  setup: (server: McpServer) => void,
  options: ProtectedOptions = {},
): Promise<ProtectedServer> {
  const issuer = options.issuer ?? (await LocalIssuer.start());
  const mcp =
    options.mcp ??
    new McpServer({
      name: 'protected',
      version: '1.0.0',
      onDiagnostic: () => {},
      ...options.server,
    });
  setup(mcp);
  let verify: TokenVerifier | undefined;
  const auth = bearerAuth({
    authorizationServers: [issuer.issuer],
    verifier: (token) => verify!(token),
    ...options.auth,
  });
  const http = await serveHttp(mcp, { httpSse: false, ...options.http, host: '127.0.0.1', port: 0, auth });
  verify = jwtVerifier({ issuer: issuer.issuer, audience: http.url, ...options.jwt });
  return {
    issuer,
    mcp,
    http,
    auth,
    url: http.url,
    token: (claims = {}, mint = {}) => issuer.mint({ sub: 'alice', aud: http.url, ...claims }, mint),
    async stop() {
      await http.destroy();
      if (!options.issuer) await issuer.stop();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  /** The JSON-RPC message (the last `data:` of an SSE body), or undefined for an empty body. */
  body: {
    id?: unknown;
    result?: Record<string, unknown>;
    error?: { code: number; message: string; data?: unknown };
  } & Record<string, unknown>;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Answer['body'] = {};
  if (text.length > 0) {
    const sse = response.headers.get('content-type')?.includes('text/event-stream');
    const data = sse
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .at(-1)
          ?.slice(6)
      : text;
    try {
      body = data === undefined ? {} : JSON.parse(data);
    } catch {
      body = { text };
    }
  }
  return { status: response.status, headers: response.headers, body };
}

const ACCEPT = 'application/json, text/event-stream';
let nextId = 0;

function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** POSTs `body` as it is (any JSON), with `headers`. */
export async function postRaw(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
      body: JSON.stringify(body),
    }),
  );
}

/** A 2026-07-28 request: the version, `Mcp-Method` and `Mcp-Name` headers, and the `_meta` envelope. */
export function modern(
  url: string,
  token: string | undefined,
  method: string,
  params: Record<string, unknown> = {},
  options: { meta?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const nameField = mcpNameSource(method);
  const name = nameField ? params[nameField] : undefined;
  return postRaw(
    url,
    {
      jsonrpc: '2.0',
      id: ++nextId,
      method,
      params: { ...params, _meta: { ...BARE_MODERN_META, ...options.meta } },
    },
    {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
      ...bearer(token),
      ...options.headers,
    },
  );
}

/** Opens a 2025 session with `initialize` (and `notifications/initialized`); its id. */
export async function openSession(
  url: string,
  token: string | undefined,
  protocolVersion = '2025-11-25',
): Promise<string> {
  const init = await postRaw(
    url,
    {
      jsonrpc: '2.0',
      id: ++nextId,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'test', version: '1' } },
    },
    bearer(token),
  );
  const sessionId = init.headers.get('mcp-session-id');
  if (init.status !== 200 || !sessionId)
    throw new Error(`initialize failed: ${init.status} ${JSON.stringify(init.body)}`);
  const version = protocolVersion === '2025-03-26' ? {} : { 'mcp-protocol-version': protocolVersion };
  const initialized = await postRaw(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { 'mcp-session-id': sessionId, ...version, ...bearer(token) },
  );
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return sessionId;
}

/** A request (or a batch: pass an array of `[method, params]`) in a 2025 session. */
export function legacy(
  url: string,
  token: string | undefined,
  sessionId: string,
  method: string | [string, Record<string, unknown>][],
  params: Record<string, unknown> = {},
  protocolVersion = '2025-11-25',
): Promise<Answer> {
  const body =
    typeof method === 'string'
      ? { jsonrpc: '2.0', id: ++nextId, method, params }
      : method.map(([name, batchParams]) => ({
          jsonrpc: '2.0',
          id: ++nextId,
          method: name,
          params: batchParams,
        }));
  const version = protocolVersion === '2025-03-26' ? {} : { 'mcp-protocol-version': protocolVersion };
  return postRaw(url, body, { 'mcp-session-id': sessionId, ...version, ...bearer(token) });
}
