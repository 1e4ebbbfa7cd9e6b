import { ErlmcpError, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey } from '../protocol/meta-keys.js';
import type { Implementation, ServerCapabilities } from '../protocol/types.js';
import {
  type Era,
  isModernVersion,
  isSessionfulVersion,
  LATEST_LEGACY_VERSION,
  LATEST_MODERN_VERSION,
  MODERN_VERSIONS,
} from '../protocol/versions.js';
import type { VersionNegotiation } from './options.js';
import { checkResultShape, type InitializeResult } from './results.js';

export interface Negotiated {
  era: Era;
  protocolVersion: string;
  serverInfo: Implementation | undefined;
  capabilities: ServerCapabilities;
  instructions: string | undefined;
}

export interface NegotiationPort {
  /** Sends a request with the 2026 `_meta` envelope for `version`. */
  modernRequest(method: string, version: string, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Sends the 2025 `initialize` and `notifications/initialized`. */
  initialize(version: string): Promise<Record<string, unknown>>;
  probeTimeoutMs: number;
  requestTimeoutMs: number;
}

/** The era of a server remembered per server key (stdio command line, HTTP origin). */
const remembered = new Map<string, Era>();

/**
 * Picks the era and revision. `auto` probes with `server/discover` and falls back to `initialize` on
 * anything but a recognized 2026 answer, as the spec's stdio binding asks; the verdict is remembered.
 */
export async function negotiate(
  port: NegotiationPort,
  mode: VersionNegotiation,
  serverKey: string | undefined,
): Promise<Negotiated> {
  if (mode === 'legacy') return initialize(port, LATEST_LEGACY_VERSION);
  if (typeof mode === 'object') {
    if (isSessionfulVersion(mode.pin)) return initialize(port, mode.pin);
    return discover(port, mode.pin, port.requestTimeoutMs, true);
  }
  if (mode === 'modern') return discover(port, LATEST_MODERN_VERSION, port.requestTimeoutMs, true);
  if (serverKey && remembered.get(serverKey) === 'legacy') return initialize(port, LATEST_LEGACY_VERSION);
  try {
    const result = await discover(port, LATEST_MODERN_VERSION, port.probeTimeoutMs, false);
    if (serverKey) remembered.set(serverKey, 'modern');
    return result;
  } catch (error) {
    if (error instanceof ErlmcpError && error.code === 'ERR_CONNECTION_CLOSED') throw error;
    // Authorization failed (erlmcp/auth): the server's era is not the problem, initialize would fail the same.
    if (isAuthorizationFailure(error)) throw error;
    if (serverKey) remembered.set(serverKey, 'legacy');
    return initialize(port, LATEST_LEGACY_VERSION);
  }
}

async function discover(
  port: NegotiationPort,
  version: string,
  timeoutMs: number,
  strict: boolean,
  attempt = 0,
): Promise<Negotiated> {
  let result: Record<string, unknown>;
  try {
    result = await port.modernRequest('server/discover', version, timeoutMs);
  } catch (error) {
    const supported = (error as McpError).data as { supported?: unknown } | undefined;
    if (
      error instanceof McpError &&
      error.code === ErrorCode.UnsupportedProtocolVersion &&
      Array.isArray(supported?.supported)
    ) {
      const mutual = MODERN_VERSIONS.find((candidate) =>
        (supported.supported as unknown[]).includes(candidate),
      );
      // Retry with the mutual version (even the same one: the server may have refused for now), once.
      if (mutual && attempt < 1) return discover(port, mutual, timeoutMs, strict, attempt + 1);
      throw new ErlmcpError(
        'ERR_INVALID_RESPONSE',
        `No mutually supported 2026-era version (server: ${String(supported.supported)})`,
      );
    }
    throw error;
  }
  checkResultShape('server/discover', result);
  const offered = result.supportedVersions as unknown[];
  const chosen = offered.includes(version)
    ? version
    : MODERN_VERSIONS.find((candidate) => offered.includes(candidate));
  if (!chosen || !isModernVersion(chosen)) {
    const message = `Server offers no 2026-era version this client speaks (${offered.join(', ')})`;
    if (strict) throw new ErlmcpError('ERR_INVALID_RESPONSE', message);
    throw new McpError(ErrorCode.UnsupportedProtocolVersion, message);
  }
  const meta = isPlainRecord(result._meta) ? result._meta : {};
  const info = meta[MetaKey.serverInfo];
  return {
    era: 'modern',
    protocolVersion: chosen,
    serverInfo: isPlainRecord(info) ? (info as unknown as Implementation) : undefined,
    capabilities: result.capabilities as ServerCapabilities,
    instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
  };
}

async function initialize(port: NegotiationPort, version: string): Promise<Negotiated> {
  const raw = await port.initialize(version);
  checkResultShape('initialize', raw);
  const result = raw as unknown as InitializeResult;
  if (!isSessionfulVersion(result.protocolVersion)) {
    throw new ErlmcpError(
      'ERR_INVALID_RESPONSE',
      `Server chose protocol version ${result.protocolVersion}, which this client does not speak`,
    );
  }
  return {
    era: 'legacy',
    protocolVersion: result.protocolVersion,
    serverInfo: result.serverInfo,
    capabilities: result.capabilities,
    instructions: result.instructions,
  };
}

/** Forgets remembered eras (tests, or after a server upgrade). */
export function forgetEras(): void {
  remembered.clear();
}

/** A transport's authorization error (`ERR_OAUTH_*`, `ERR_UNAUTHORIZED`), local or carried in `data.code`. */
function isAuthorizationFailure(error: unknown): boolean {
  const code =
    error instanceof ErlmcpError
      ? error.code
      : error instanceof McpError
        ? (error.data as { code?: unknown } | undefined)?.code
        : undefined;
  return typeof code === 'string' && (code.startsWith('ERR_OAUTH_') || code === 'ERR_UNAUTHORIZED');
}
