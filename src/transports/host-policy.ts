import type { IncomingHttpHeaders } from 'node:http';

/**
 * The one Host/Origin policy of every HTTP-based entry point (Streamable HTTP, the 2024-11-05
 * HTTP+SSE endpoints, /metrics, the observer, WebSocket upgrades). `Host` guards against DNS
 * rebinding (a page on evil.com whose name now resolves to 127.0.0.1); `Origin` against a hostile
 * page in the user's browser, which may talk to localhost without CORS for WebSocket and simple POSTs.
 * Both are parsed strictly: a value that is not a well-formed authority is refused, never guessed at.
 */
export interface HostOriginOptions {
  /**
   * Hosts accepted in the `Host` header: a name (any port) or `name:port`. Default: localhost names
   * only (`localhost`, `127.0.0.1`, `[::1]`) with any port; `'*'` disables the check.
   */
  allowedHosts?: string[] | '*';
  /**
   * Origins accepted when a request carries `Origin` (`scheme://host[:port]`). Default:
   * http(s) origins on a localhost name; `'*'` disables the check.
   */
  allowedOrigins?: string[] | '*';
}

/** A parsed `host[:port]`: the name lower-cased, without a trailing dot, IPv6 literals bracketed. */
export interface Authority {
  readonly name: string;
  readonly port: number | undefined;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const LABELS = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;
const IPV6 = /^[0-9a-f:.]+$/;
const PORT = /^[0-9]{1,5}$/;

/**
 * Parses an RFC 3986 authority without user info (`Host` header, Origin's authority). Returns
 * undefined for anything malformed: `[::1]evil.com`, `a:b:c`, empty or out-of-range ports, spaces.
 * One trailing dot is the same name (`localhost.` is `localhost`), as DNS has it.
 */
export function parseAuthority(value: string): Authority | undefined {
  const text = value.toLowerCase();
  let name: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    const literal = text.slice(1, close);
    if (!literal.includes(':') || !IPV6.test(literal)) return undefined;
    name = `[${literal}]`;
    rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
  } else {
    const colon = text.indexOf(':');
    name = colon === -1 ? text : text.slice(0, colon);
    rest = colon === -1 ? '' : text.slice(colon);
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (!LABELS.test(name)) return undefined;
  }
  if (rest === '') return { name, port: undefined };
  const digits = rest.slice(1);
  if (!PORT.test(digits)) return undefined;
  const port = Number(digits);
  return port <= 65_535 ? { name, port } : undefined;
}

export interface ParsedOrigin {
  readonly scheme: string;
  readonly authority: Authority;
}

/** A parsed `Origin`: scheme and authority only (no path, query or user info), or undefined. */
export function parseOrigin(value: string): ParsedOrigin | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\\]*)$/i.exec(value);
  if (!match) return undefined;
  const authority = parseAuthority(match[2]!);
  return authority ? { scheme: match[1]!.toLowerCase(), authority } : undefined;
}

type Allowed<T> = readonly T[] | '*' | undefined;

function compileHosts(allowed: string[] | '*' | undefined): Allowed<Authority> {
  if (allowed === undefined || allowed === '*') return allowed;
  return allowed.map((entry) => {
    const parsed = parseAuthority(entry);
    if (!parsed) throw new TypeError(`allowedHosts: "${entry}" is not a host name or host:port`);
    return parsed;
  });
}

function compileOrigins(allowed: string[] | '*' | undefined): Allowed<ParsedOrigin> {
  if (allowed === undefined || allowed === '*') return allowed;
  return allowed.map((entry) => {
    const parsed = parseOrigin(entry);
    if (!parsed) throw new TypeError(`allowedOrigins: "${entry}" is not an origin (scheme://host[:port])`);
    return parsed;
  });
}

function hostAllowed(host: string | undefined, allowed: Allowed<Authority>): boolean {
  if (allowed === '*') return true;
  const actual = host === undefined ? undefined : parseAuthority(host);
  if (!actual) return false;
  if (!allowed) return LOCAL_NAMES.has(actual.name);
  return allowed.some(
    (entry) => entry.name === actual.name && (entry.port === undefined || entry.port === actual.port),
  );
}

/** A request without `Origin` is not from a browser page, so it passes; `Origin: null` does not. */
function originAllowed(origin: string | undefined, allowed: Allowed<ParsedOrigin>): boolean {
  if (origin === undefined || allowed === '*') return true;
  const actual = parseOrigin(origin);
  if (!actual) return false;
  if (!allowed) {
    return (actual.scheme === 'http' || actual.scheme === 'https') && LOCAL_NAMES.has(actual.authority.name);
  }
  return allowed.some(
    (entry) =>
      entry.scheme === actual.scheme &&
      entry.authority.name === actual.authority.name &&
      entry.authority.port === actual.authority.port,
  );
}

export function isAllowedHost(host: string | undefined, allowed: string[] | '*' | undefined): boolean {
  return hostAllowed(host, compileHosts(allowed));
}

export function isAllowedOrigin(origin: string | undefined, allowed: string[] | '*' | undefined): boolean {
  return originAllowed(origin, compileOrigins(allowed));
}

/**
 * The policy as one check per request, remembering the last Host and Origin it judged (a client
 * sends the same ones every time, so the hot path is two comparisons). Returns the refusal message,
 * or undefined when the request may proceed. Malformed allowlist entries throw here, at set-up.
 */
export function hostOriginGuard(
  options: HostOriginOptions,
): (headers: IncomingHttpHeaders) => string | undefined {
  const hosts = compileHosts(options.allowedHosts);
  const origins = compileOrigins(options.allowedOrigins);
  let seen = false;
  let lastHost: string | undefined;
  let lastOrigin: string | undefined;
  let lastVerdict: string | undefined;
  return (headers) => {
    const host = headers.host;
    const origin = headers.origin;
    if (seen && host === lastHost && origin === lastOrigin) return lastVerdict;
    lastVerdict = !hostAllowed(host, hosts)
      ? 'Forbidden: Host not allowed'
      : !originAllowed(origin, origins)
        ? 'Forbidden: Origin not allowed'
        : undefined;
    lastHost = host;
    lastOrigin = origin;
    seen = true;
    return lastVerdict;
  };
}
