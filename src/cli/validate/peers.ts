import { MetaKey } from '../../protocol/meta-keys.js';
import { encodeHeaderValue } from '../../transports/http/client-headers.js';
import { mcpNameSource } from '../../transports/http/mcp-name.js';
import type { Era } from './rules.js';
import type { Exchange, Reply, Wire } from './wire.js';

export const CLIENT_INFO = { name: 'erlmcp-validate', version: '0.1.0' };

/**
 * One era's way of sending a request: the 2025 session (protocol version and session id headers
 * after initialize) or the 2026 envelope (`_meta` in every request, mirrored into headers). Every
 * reply is logged so checks can look at all of them (content types, resultType).
 */
export abstract class Peer {
  abstract readonly era: Era;
  readonly log: { method: string; reply: Reply }[] = [];
  #nextId = 1;

  constructor(readonly wire: Wire) {}

  /** The request as this era sends it. */
  message(method: string, params: Record<string, unknown> = {}, id: number = this.#nextId++) {
    return { jsonrpc: '2.0', id, method, params: this.params(method, params) };
  }

  async call(method: string, params: Record<string, unknown> = {}, exchange?: Exchange): Promise<Reply> {
    const message = this.message(method, params);
    const reply = await this.wire.request(message, this.exchange(method, message.params, exchange));
    this.log.push({ method, reply });
    return reply;
  }

  notify(method: string, params?: Record<string, unknown>): Promise<Reply> {
    const message = { jsonrpc: '2.0', method, ...(params ? { params } : {}) };
    return this.wire.notify(message, this.exchange(method, params ?? {}));
  }

  /**
   * Sends a request and cancels it at once: notifications/cancelled, or on 2026 HTTP (which has no
   * client notifications) by dropping the request's stream. The answer, if any, is not awaited long.
   */
  async cancel(method: string, params: Record<string, unknown> = {}): Promise<void> {
    const message = this.message(method, params);
    const exchange = this.exchange(method, message.params);
    if (this.era === 'modern' && this.wire.abandon) return this.wire.abandon(message, exchange);
    const answered = this.wire.request(message, exchange);
    await this.notify('notifications/cancelled', { requestId: message.id, reason: 'erlmcp validate' });
    await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 500))]);
  }

  /** This era's HTTP headers for a message. */
  abstract headers(method: string, params: Record<string, unknown>): Record<string, string>;
  protected abstract params(method: string, params: Record<string, unknown>): Record<string, unknown>;

  exchange(method: string, params: Record<string, unknown>, extra: Exchange = {}): Exchange {
    if (!this.wire.isHttp) return {};
    return { ...extra, headers: { ...this.headers(method, params), ...extra.headers } };
  }
}

/** 2025 era: initialize opens a session; later requests carry its version and id over HTTP. */
export class LegacyPeer extends Peer {
  readonly era = 'legacy';
  sessionId: string | undefined;
  version: string | undefined;

  headers(): Record<string, string> {
    return {
      ...(this.version ? { 'mcp-protocol-version': this.version } : {}),
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
    };
  }

  protected params(_method: string, params: Record<string, unknown>) {
    return params;
  }
}

/** 2026 era: no session; each request carries its version, capabilities and client in `_meta`. */
export class ModernPeer extends Peer {
  readonly era = 'modern';

  constructor(
    wire: Wire,
    readonly version = '2026-07-28',
  ) {
    super(wire);
  }

  headers(method: string, params: Record<string, unknown>): Record<string, string> {
    const meta = params._meta as Record<string, unknown> | undefined;
    const version = meta?.[MetaKey.protocolVersion];
    const headers: Record<string, string> = {
      'mcp-protocol-version': typeof version === 'string' ? version : this.version,
      'mcp-method': method,
    };
    const field = mcpNameSource(method);
    const name = field === undefined ? undefined : params[field];
    if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
    return headers;
  }

  protected params(_method: string, params: Record<string, unknown>) {
    const { _meta, ...rest } = params;
    return { ...rest, _meta: { ...envelope(this.version), ...(_meta as object | undefined) } };
  }
}

export function envelope(version: string): Record<string, unknown> {
  return {
    [MetaKey.protocolVersion]: version,
    [MetaKey.clientInfo]: CLIENT_INFO,
    [MetaKey.clientCapabilities]: {},
  };
}
