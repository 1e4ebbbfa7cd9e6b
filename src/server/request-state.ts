import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidParams } from '../jsonrpc/errors.js';

/**
 * The integrity-protected `requestState` of 2026 multi round-trip requests. It carries the answers
 * gathered so far (deterministic replay: the retry re-runs the handler and each `ctx.elicit()` gets
 * its recorded answer), bound to the principal, an expiry, and the originating request (method +
 * digest of its salient params), as the spec asks to prevent replay across users and requests.
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256).
 */
export interface RequestStatePayload {
  /** Answers by input key. */
  answers: Record<string, unknown>;
  /** Keys asked in the last round (→ their method), answered by `inputResponses` on the retry. */
  pending: Record<string, string>;
}

interface SealedPayload extends RequestStatePayload {
  v: 1;
  m: string;
  d: string;
  p: string;
  e: number;
}

export interface RequestBinding {
  method: string;
  params: Record<string, unknown>;
  principal: string | undefined;
}

export class RequestStateCodec {
  readonly #key: Buffer;
  constructor(
    secret: string | Uint8Array | undefined,
    readonly ttlMs: number,
  ) {
    // A random key works for one process; clusters must share a configured secret.
    this.#key = secret === undefined ? randomBytes(32) : Buffer.from(secret);
  }

  seal(payload: RequestStatePayload, binding: RequestBinding, now = Date.now()): string {
    const sealed: SealedPayload = {
      v: 1,
      m: binding.method,
      d: digestParams(binding.params),
      p: binding.principal ?? '',
      e: now + this.ttlMs,
      answers: payload.answers,
      pending: payload.pending,
    };
    const body = Buffer.from(JSON.stringify(sealed)).toString('base64url');
    return `${body}.${this.#sign(body)}`;
  }

  /** Throws InvalidParams (-32602) for anything tampered, expired, or presented on another request. */
  open(state: unknown, binding: RequestBinding, now = Date.now()): RequestStatePayload {
    if (typeof state !== 'string') throw invalidParams('requestState must be a string');
    const dot = state.indexOf('.');
    if (dot <= 0) throw invalidParams('Invalid requestState');
    const body = state.slice(0, dot);
    // The signature's text is compared, not its decoded bytes: Node's base64url decoder skips
    // characters outside the alphabet, so one state would otherwise have many spellings.
    const given = Buffer.from(state.slice(dot + 1), 'latin1');
    const expected = Buffer.from(this.#sign(body), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalidParams('Invalid requestState: integrity check failed');
    }
    const sealed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SealedPayload;
    if (sealed.v !== 1) throw invalidParams('Invalid requestState: unknown version');
    if (sealed.e < now) throw invalidParams('Invalid requestState: expired');
    if (sealed.p !== (binding.principal ?? ''))
      throw invalidParams('Invalid requestState: issued to another principal');
    if (sealed.m !== binding.method || sealed.d !== digestParams(binding.params)) {
      throw invalidParams('Invalid requestState: issued for a different request');
    }
    return { answers: sealed.answers, pending: sealed.pending };
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

const UNSALIENT = new Set(['_meta', 'inputResponses', 'requestState']);

/** SHA-256 of the params that define the request (key order does not matter). */
export function digestParams(params: Record<string, unknown>): string {
  const salient: Record<string, unknown> = {};
  for (const key of Object.keys(params).sort()) if (!UNSALIENT.has(key)) salient[key] = params[key];
  return createHash('sha256').update(canonicalJson(salient)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
