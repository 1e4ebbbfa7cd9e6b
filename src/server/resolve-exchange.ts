import { invalidParams, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord, type JsonRpcRequest } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey } from '../protocol/meta-keys.js';
import type { ClientCapabilities, Implementation, LoggingLevel, ProgressToken } from '../protocol/types.js';
import { isModernVersion, SUPPORTED_VERSIONS } from '../protocol/versions.js';
import type { Exchange, LegacySession, PeerLink } from './exchange.js';
import { isLoggingLevel } from './handlers/lifecycle.js';

export interface Incoming {
  link: PeerLink;
  session: LegacySession | undefined;
  principal: string | undefined;
}

/**
 * Decides the era of one request and builds its Exchange. A request whose `_meta` carries the 2026
 * keys is served statelessly; otherwise it belongs to the 2025 session of its connection.
 */
export function resolveExchange(
  request: JsonRpcRequest,
  incoming: Incoming,
  signal: AbortSignal,
  touch: () => void,
): Exchange {
  const params = request.params ?? {};
  const meta = isPlainRecord(params._meta) ? params._meta : undefined;
  const version = meta?.[MetaKey.protocolVersion];
  const progressToken = readProgressToken(meta);
  const base = {
    id: request.id,
    method: request.method,
    params,
    principal: incoming.principal,
    signal,
    link: incoming.link,
    touch,
    progressToken,
  };
  const looksModern = version !== undefined || meta?.[MetaKey.clientCapabilities] !== undefined;

  if (looksModern && !(incoming.session && !isModernVersion(version))) {
    if (typeof version !== 'string') throw invalidParams(`Missing _meta["${MetaKey.protocolVersion}"]`);
    if (!isModernVersion(version)) {
      throw new McpError(ErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version', {
        supported: [...SUPPORTED_VERSIONS],
        requested: version,
      });
    }
    const capabilities = meta?.[MetaKey.clientCapabilities];
    if (!isPlainRecord(capabilities)) throw invalidParams(`Missing _meta["${MetaKey.clientCapabilities}"]`);
    const logLevel = meta?.[MetaKey.logLevel];
    if (logLevel !== undefined && !isLoggingLevel(logLevel))
      throw invalidParams(`Invalid _meta["${MetaKey.logLevel}"]`);
    const info = meta?.[MetaKey.clientInfo];
    return {
      ...base,
      era: 'modern',
      protocolVersion: version,
      clientInfo: isPlainRecord(info) ? (info as unknown as Implementation) : undefined,
      clientCapabilities: capabilities as ClientCapabilities,
      logLevel: logLevel as LoggingLevel | undefined,
      session: undefined,
    };
  }
  const session = incoming.session;
  if (!session) {
    throw invalidParams(
      `Missing _meta["${MetaKey.protocolVersion}"] (2026-07-28 requests carry it; 2025 clients must call initialize first)`,
    );
  }
  return {
    ...base,
    era: 'legacy',
    protocolVersion: session.protocolVersion,
    clientInfo: session.clientInfo,
    clientCapabilities: session.clientCapabilities,
    logLevel: session.logLevel,
    session,
  };
}

function readProgressToken(meta: Record<string, unknown> | undefined): ProgressToken | undefined {
  const token = meta?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}
