import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AuthInfo } from '../../core/auth-info.js';
import { isPlainRecord, type JsonRpcMessage } from '../../jsonrpc/message.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import { isModernVersion, isSessionfulVersion } from '../../protocol/versions.js';
import { principalOf } from '../tls/tls-options.js';

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const JSON_TYPE = 1;
const EVENT_STREAM = 2;

/**
 * Which of `application/json` and `text/event-stream` `Accept` admits (bits), as media ranges, not
 * substrings: `application/jsonl` is another type, and one refused with `q=0` is not accepted
 * (RFC 9110 §12.4.2).
 */
function acceptedTypes(accept: string): number {
  let accepted = 0;
  for (const range of accept.toLowerCase().split(',')) {
    const [type = '', ...params] = range.split(';');
    if (params.some((param) => /^\s*q\s*=\s*0(?:\.0{0,3})?\s*$/.test(param))) continue;
    switch (type.trim()) {
      case '*/*':
        return JSON_TYPE | EVENT_STREAM;
      case 'application/json':
      case 'application/*':
        accepted |= JSON_TYPE;
        break;
      case 'text/event-stream':
      case 'text/*':
        accepted |= EVENT_STREAM;
        break;
    }
  }
  return accepted;
}

/** Whether `Accept` admits both `application/json` and `text/event-stream` (a POST). */
export function acceptsBoth(accept: string): boolean {
  return acceptedTypes(accept) === (JSON_TYPE | EVENT_STREAM);
}

/** Whether `Accept` admits `text/event-stream` (a GET stream), by the same rules as a POST's. */
export function acceptsEventStream(accept: string): boolean {
  return (acceptedTypes(accept) & EVENT_STREAM) !== 0;
}

/** Whether `Content-Type` is `application/json` (any parameters), not a lookalike such as `application/jsonp`. */
export function isJsonContentType(type: string | null | undefined): boolean {
  if (!type) return false;
  const semicolon = type.indexOf(';');
  return (semicolon === -1 ? type : type.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}

/** 2026 when the body carries the `_meta` envelope or the header names a 2026 revision. */
export function isModernMessage(req: IncomingMessage, message: JsonRpcMessage): boolean {
  const headerVersion = header(req, 'mcp-protocol-version');
  if (headerVersion !== undefined && isModernVersion(headerVersion)) return true;
  if (headerVersion !== undefined && isSessionfulVersion(headerVersion)) return false;
  const params = 'params' in message ? message.params : undefined;
  const meta = params && isPlainRecord(params._meta) ? params._meta : undefined;
  return meta?.[MetaKey.protocolVersion] !== undefined;
}

/**
 * Where a cluster worker puts the identity a request arrived with on another worker (set only for
 * requests that carry the cluster's secret on the private port; '' means anonymous).
 */
export const FORWARDED_PRINCIPAL = Symbol('erlmcp.forwardedPrincipal');

const AUTH = Symbol('erlmcp.auth');
type WithAuth = IncomingMessage & { [AUTH]?: AuthInfo };

/** Records the verified credentials of a request (set once, by the endpoint's auth check). */
export function setRequestAuth(req: IncomingMessage, auth: AuthInfo): void {
  (req as WithAuth)[AUTH] = auth;
}

/** The verified OAuth credentials of a request, when the endpoint checks tokens. */
export function requestAuth(req: IncomingMessage): AuthInfo | undefined {
  return (req as WithAuth)[AUTH];
}

/**
 * Who sent a request: the identity a cluster worker forwarded, else the OAuth principal, else the
 * mutual-TLS identity of the connection (https with client certificates).
 */
export function requestPrincipal(req: IncomingMessage): string | undefined {
  const forwarded = (req as IncomingMessage & { [FORWARDED_PRINCIPAL]?: string })[FORWARDED_PRINCIPAL];
  if (forwarded !== undefined) return forwarded === '' ? undefined : forwarded;
  const auth = (req as WithAuth)[AUTH];
  if (auth !== undefined) return auth.principal;
  const socket = req.socket as TLSSocket | undefined;
  return socket?.encrypted ? principalOf(socket) : undefined;
}
