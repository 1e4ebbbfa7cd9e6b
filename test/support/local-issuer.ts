/**
 * A loopback OAuth authorization server FOR TESTS ONLY (node:http on 127.0.0.1, port 0): RFC 8414 (or
 * OpenID Connect) metadata, a JWKS, RFC 7662 introspection with HTTP Basic client authentication, and
 * a mint for JWT access tokens with any claims and header. It issues no tokens over HTTP (no
 * authorize or token endpoint): tests mint them directly. It can rotate its keys, sign with keys it
 * never published, be stopped and started again on the same port (authorization server down), and
 * counts the requests each endpoint received. End-to-end tests with a real authorization server
 * live elsewhere.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export type Endpoint = 'metadata' | 'openid' | 'jwks' | 'introspection' | 'other';

export interface LocalIssuerOptions {
  /** Issuer path (`/tenant`): the issuer becomes `http://127.0.0.1:<port>/tenant`. Default none. */
  path?: string;
  /** Which discovery document is served: RFC 8414 (default), OpenID Connect, or both. */
  discovery?: 'oauth' | 'openid' | 'both';
  /** Signing algorithm of the keys generated. Default ES256. */
  alg?: 'ES256' | 'RS256' | 'EdDSA';
  /** Introspection clients (resource servers), id → secret. Default `{ rs: 'rs-secret' }`. */
  clients?: Record<string, string>;
  /** Metadata `issuer` to announce instead of the real one (an issuer mix-up). */
  announcedIssuer?: string;
}

export interface MintOptions {
  /** Header overrides: `alg`, `kid`, `typ` (a `kid` of undefined leaves it out). */
  header?: { alg?: string; kid?: string | undefined; typ?: string };
  /**
   * Which key signs: the current published one (default), a key pair never published (`'foreign'`),
   * or an HMAC secret (for `alg: HS256` with the public key as secret).
   */
  key?: 'current' | 'foreign' | { secret: Uint8Array };
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface KeyPair {
  kid: string;
  privateKey: Key;
  publicKey: Key;
  jwk: JWK;
}

/** Seconds since the epoch. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class LocalIssuer {
  /** Requests received, by endpoint. */
  readonly requests: Record<Endpoint, number> = {
    metadata: 0,
    openid: 0,
    jwks: 0,
    introspection: 0,
    other: 0,
  };
  /** Keys published in the JWKS (the last one signs). */
  #keys: KeyPair[] = [];
  #foreign: KeyPair | undefined;
  #server: Server | undefined;
  #port = 0;
  /** Introspection answers of opaque tokens (and of minted JWTs), by token. */
  readonly #introspection = new Map<string, Record<string, unknown>>();

  private constructor(private readonly options: LocalIssuerOptions) {}

  static async start(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
    const issuer = new LocalIssuer(options);
    issuer.#keys.push(await issuer.#newKey());
    await issuer.#listen(0);
    return issuer;
  }

  get alg(): string {
    return this.options.alg ?? 'ES256';
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The issuer identifier (`iss`). */
  get issuer(): string {
    return `${this.origin}${this.options.path ?? ''}`;
  }

  get jwksUrl(): string {
    return `${this.origin}/jwks`;
  }

  get introspectionUrl(): string {
    return `${this.origin}/introspect`;
  }

  /** The kid of the key that signs now. */
  get kid(): string {
    return this.#keys.at(-1)!.kid;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  /** The signing key's public half as PEM (what an HS256 "key confusion" attack uses as secret). */
  async publicKeyPem(): Promise<string> {
    return exportSPKI(this.#keys.at(-1)!.publicKey);
  }

  /** A JWT access token with `claims` (iss, iat, jti filled in unless given; `exp` in an hour unless given). */
  async mint(claims: JWTPayload & Record<string, unknown>, options: MintOptions = {}): Promise<string> {
    const now = nowSeconds();
    const payload: JWTPayload = { iss: this.issuer, iat: now, exp: now + 3600, jti: randomUUID(), ...claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    let key: Key | Uint8Array;
    let kid: string | undefined;
    if (options.key === 'foreign') {
      this.#foreign ??= await this.#newKey();
      key = this.#foreign.privateKey;
      kid = this.#foreign.kid;
    } else if (options.key && typeof options.key === 'object') {
      key = options.key.secret;
    } else {
      key = this.#keys.at(-1)!.privateKey;
      kid = this.kid;
    }
    const header: Record<string, string | undefined> = {
      alg: this.alg,
      typ: 'at+jwt',
      kid,
      ...options.header,
    };
    if (header.kid === undefined) delete header.kid;
    const token = await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
    this.#introspection.set(token, { active: true, token_type: 'Bearer', ...payload });
    return token;
  }

  /** An opaque token whose introspection answer is `answer` (`active: true` unless it says otherwise). */
  opaque(answer: Record<string, unknown>): string {
    const token = randomBytes(24).toString('base64url');
    this.#introspection.set(token, { active: true, ...answer });
    return token;
  }

  /** Introspection will answer `active: false` for this token from now on. */
  revoke(token: string): void {
    this.#introspection.set(token, { active: false });
  }

  /** A new signing key: published next to the old ones (or alone with `retire`); its kid. */
  async rotate(options: { retire?: boolean } = {}): Promise<string> {
    const next = await this.#newKey();
    this.#keys = options.retire ? [next] : [...this.#keys, next];
    return next.kid;
  }

  /** Stops answering (connections dropped): the authorization server is down. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Serves again on the same port. */
  async restart(): Promise<void> {
    if (!this.#server) await this.#listen(this.#port);
  }

  async #newKey(): Promise<KeyPair> {
    const { privateKey, publicKey } = await generateKeyPair(this.alg, { extractable: true });
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: this.alg, use: 'sig' };
    return { kid, privateKey, publicKey, jwk };
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((req, res) => this.#handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const { pathname } = new URL(req.url ?? '/', this.origin);
    const path = this.options.path ?? '';
    const discovery = this.options.discovery ?? 'oauth';
    if (pathname === `/.well-known/oauth-authorization-server${path}` && discovery !== 'openid') {
      this.requests.metadata++;
      json(res, 200, this.#metadata());
    } else if (
      (pathname === `/.well-known/openid-configuration${path}` ||
        (path !== '' && pathname === `${path}/.well-known/openid-configuration`)) &&
      discovery !== 'oauth'
    ) {
      this.requests.openid++;
      json(res, 200, this.#metadata());
    } else if (pathname === '/jwks') {
      this.requests.jwks++;
      json(res, 200, { keys: this.#keys.map((key) => key.jwk) });
    } else if (pathname === '/introspect' && req.method === 'POST') {
      this.requests.introspection++;
      this.#introspect(req, res);
    } else {
      this.requests.other++;
      json(res, 404, { error: 'not_found' });
    }
  }

  #metadata(): Record<string, unknown> {
    return {
      issuer: this.options.announcedIssuer ?? this.issuer,
      jwks_uri: this.jwksUrl,
      introspection_endpoint: this.introspectionUrl,
      token_endpoint: `${this.origin}/token`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    };
  }

  #introspect(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      if (!this.#clientAuthenticated(req.headers.authorization)) {
        res.setHeader('www-authenticate', 'Basic realm="introspection"');
        json(res, 401, { error: 'invalid_client' });
        return;
      }
      const token = new URLSearchParams(body).get('token');
      if (!token) {
        json(res, 400, { error: 'invalid_request' });
        return;
      }
      const answer = this.#introspection.get(token);
      const expired = typeof answer?.exp === 'number' && answer.exp <= nowSeconds();
      json(res, 200, answer && !expired ? answer : { active: false });
    });
  }

  #clientAuthenticated(authorization: string | undefined): boolean {
    const match = /^Basic (.+)$/i.exec(authorization ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // RFC 6749 §2.3.1: both halves are form-urlencoded.
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    const clients = this.options.clients ?? { rs: 'rs-secret' };
    return Object.hasOwn(clients, id) && clients[id] === secret;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A parsed `WWW-Authenticate` challenge (RFC 9110 §11.6.1 auth-params; quoted strings unescaped):
 * the scheme and its parameters by lower-cased name.
 */
export function parseChallenge(header: string | null | undefined): {
  scheme: string;
  params: Record<string, string>;
} {
  if (!header) throw new Error('no WWW-Authenticate header');
  const scheme = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/.exec(header);
  if (!scheme) throw new Error(`not a challenge: ${header}`);
  const params: Record<string, string> = {};
  const param =
    /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^_`|~0-9A-Za-z-]+))\s*(,|$)/gy;
  param.lastIndex = scheme[0].length;
  while (param.lastIndex < header.length) {
    const match = param.exec(header);
    if (!match) throw new Error(`malformed challenge at ${param.lastIndex}: ${header}`);
    const name = match[1]!.toLowerCase();
    if (name in params) throw new Error(`parameter ${name} repeated: ${header}`);
    params[name] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return { scheme: scheme[1]!, params };
}
