import { randomUUID } from 'node:crypto';
import { invalidParams, type McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';
import type { ClientCapabilities, Implementation } from '../protocol/types.js';
import { negotiateSessionfulVersion } from '../protocol/versions.js';
import type { ServerCore } from './core.js';
import type { SessionRecord } from './exchange.js';
import type { Result } from './handlers/handler-types.js';
import { initializeResult } from './handlers/lifecycle.js';

/**
 * The 2025 `initialize` on any transport: checks the params, negotiates the revision, and returns the
 * new session record with the answer to send (or the InvalidParams error naming the field).
 */
export function openSessionRecord(
  core: ServerCore,
  params: Record<string, unknown>,
  /** Cluster workers prefix ids with their tag, so any worker can tell who owns a session. */
  idPrefix = '',
): { session: SessionRecord; result: Result } | { error: McpError } {
  const problem =
    typeof params.protocolVersion !== 'string'
      ? 'params.protocolVersion must be a string'
      : !isPlainRecord(params.capabilities)
        ? 'params.capabilities must be an object'
        : !isPlainRecord(params.clientInfo) || typeof params.clientInfo.name !== 'string'
          ? 'params.clientInfo must be an object with a name'
          : undefined;
  if (problem) return { error: invalidParams(problem) };
  const protocolVersion = negotiateSessionfulVersion(params.protocolVersion);
  const session: SessionRecord = {
    id: idPrefix + randomUUID(),
    protocolVersion,
    clientInfo: params.clientInfo as unknown as Implementation,
    clientCapabilities: params.capabilities as ClientCapabilities,
    logLevel: undefined,
    initialized: false,
    subscriptions: new Set(),
  };
  return { session, result: initializeResult(core, protocolVersion) };
}
