import { invalidParams } from '../../jsonrpc/errors.js';
import { LOGGING_LEVELS, type LoggingLevel } from '../../protocol/types.js';
import { SUPPORTED_VERSIONS } from '../../protocol/versions.js';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';
import type { Result } from './handler-types.js';

/** The 2025 `initialize` answer for the negotiated revision. */
export function initializeResult(core: ServerCore, protocolVersion: string): Result {
  const capabilities = { ...core.capabilities() };
  // Legacy clients know tasks as a core capability; the extensions map is 2026 vocabulary.
  delete capabilities.extensions;
  if (protocolVersion < '2025-11-25') delete capabilities.tasks;
  const result: Result = { protocolVersion, capabilities, serverInfo: core.serverInfo };
  if (core.instructions !== undefined) result.instructions = core.instructions;
  return result;
}

export function discover(core: ServerCore): Result {
  const capabilities = { ...core.capabilities() };
  delete capabilities.tasks;
  const result: Result = { supportedVersions: [...SUPPORTED_VERSIONS], capabilities };
  if (core.instructions !== undefined) result.instructions = core.instructions;
  return result;
}

export function ping(): Result {
  return {};
}

export function setLogLevel(_core: ServerCore, exchange: Exchange): Result {
  const level = exchange.params.level;
  if (!isLoggingLevel(level)) throw invalidParams(`params.level must be one of ${LOGGING_LEVELS.join(', ')}`);
  if (exchange.session) exchange.session.logLevel = level;
  return {};
}

export function isLoggingLevel(value: unknown): value is LoggingLevel {
  return (LOGGING_LEVELS as readonly unknown[]).includes(value);
}
