import { isSessionfulVersion, LATEST_LEGACY_VERSION } from '../../protocol/versions.js';
import { CLIENT_INFO, type LegacyPeer, type ModernPeer } from './peers.js';
import type { Report } from './report.js';
import { describe, errorOf, isRecord, type Reply, resultOf } from './wire.js';

/** What opening an era told: the server's capabilities, and the reply that opened it. */
export interface Opened {
  capabilities: Record<string, unknown>;
  reply: Reply;
}

const UNSUPPORTED = '1999-01-01';

function initialize(peer: LegacyPeer, protocolVersion: string): Promise<Reply> {
  return peer.call('initialize', { protocolVersion, capabilities: {}, clientInfo: CLIENT_INFO });
}

/**
 * Opens the 2025 session the way a careful client would not: a request first, then initialize with
 * a version nobody supports (the server must answer one it does). Undefined when the server does
 * not speak the 2025 era at all.
 */
export async function openLegacy(peer: LegacyPeer, report: Report): Promise<Opened | undefined> {
  const early = await peer.call('tools/list');
  let reply = await initialize(peer, UNSUPPORTED);
  let result = resultOf(reply);
  let negotiation: string | undefined;
  if (result === undefined) {
    negotiation = `initialize with "${UNSUPPORTED}" was answered ${describe(reply)}, not a version the server supports`;
    reply = await initialize(peer, LATEST_LEGACY_VERSION);
    result = resultOf(reply);
    if (result === undefined) return undefined;
  } else if (!isSessionfulVersion(result.protocolVersion)) {
    negotiation = `server answered protocolVersion ${JSON.stringify(result.protocolVersion)}`;
  }
  report.check(
    'lifecycle.pre-initialize',
    'legacy',
    early.missing ? `tools/list before initialize: ${describe(early)}` : undefined,
    `answered ${describe(early)}`,
  );
  report.check(
    'lifecycle.version-negotiation',
    'legacy',
    negotiation,
    `answered ${String(result.protocolVersion)}`,
  );
  report.check('lifecycle.initialize-result', 'legacy', initializeProblem(result));
  report.check('lifecycle.server-info', 'legacy', implementationProblem(result.serverInfo, 'serverInfo'));

  peer.version = isSessionfulVersion(result.protocolVersion) ? result.protocolVersion : LATEST_LEGACY_VERSION;
  const sessionId = reply.http?.headers['mcp-session-id'];
  if (typeof sessionId === 'string') peer.sessionId = sessionId;
  const initialized = await peer.notify('notifications/initialized');
  if (peer.wire.isHttp) {
    const status = initialized.http?.status;
    report.check(
      'http.notification-accepted',
      'legacy',
      status === 202 && !initialized.http?.body
        ? undefined
        : `notifications/initialized was answered ${describe(initialized)}`,
    );
  }
  return { capabilities: isRecord(result.capabilities) ? result.capabilities : {}, reply };
}

function initializeProblem(result: Record<string, unknown>): string | undefined {
  if (typeof result.protocolVersion !== 'string') return 'the result has no protocolVersion string';
  if (!isRecord(result.capabilities)) return 'the result has no capabilities object';
  return undefined;
}

function implementationProblem(info: unknown, name: string): string | undefined {
  if (!isRecord(info)) return `the result has no ${name}`;
  if (typeof info.name !== 'string') return `${name} has no name`;
  if (typeof info.version !== 'string') return `${name} has no version`;
  return undefined;
}

/** 2025 ping: answered promptly with an empty result. */
export async function checkPing(peer: LegacyPeer, report: Report): Promise<void> {
  const reply = await peer.call('ping');
  const result = resultOf(reply);
  const extra = result && Object.keys(result).filter((key) => key !== '_meta');
  report.check(
    'lifecycle.ping',
    'legacy',
    result === undefined
      ? `ping was answered ${describe(reply)}`
      : extra && extra.length > 0
        ? `ping answered a result with ${extra.join(', ')}`
        : undefined,
  );
}

/** The 2026 era: server/discover. Undefined when the server does not speak 2026-07-28. */
export async function openModern(peer: ModernPeer, report: Report): Promise<Opened | undefined> {
  const reply = await peer.call('server/discover');
  const result = resultOf(reply);
  if (result === undefined || !Array.isArray(result.supportedVersions)) return undefined;
  const versions = result.supportedVersions;
  report.check(
    'discover.result',
    'modern',
    !versions.includes(peer.version)
      ? `supportedVersions ${JSON.stringify(versions)} lacks ${peer.version}`
      : !isRecord(result.capabilities)
        ? 'the result has no capabilities object'
        : undefined,
    `supports ${versions.join(', ')}`,
  );
  const meta = isRecord(result._meta) ? result._meta : {};
  report.check(
    'discover.server-info',
    'modern',
    implementationProblem(meta['io.modelcontextprotocol/serverInfo'], '_meta serverInfo'),
  );
  return { capabilities: isRecord(result.capabilities) ? result.capabilities : {}, reply };
}

/** 2026: an unsupported version gets -32022 with the supported list (400 over HTTP). */
export async function checkUnsupportedVersion(peer: ModernPeer, report: Report): Promise<void> {
  const reply = await peer.call('server/discover', {
    _meta: { 'io.modelcontextprotocol/protocolVersion': UNSUPPORTED },
  });
  const error = errorOf(reply);
  const supported = isRecord(error?.data) ? error.data.supported : undefined;
  report.check(
    'version.unsupported',
    'modern',
    error?.code !== -32022
      ? `protocol version "${UNSUPPORTED}" was answered ${describe(reply)}`
      : !Array.isArray(supported) || !supported.every((version) => typeof version === 'string')
        ? 'the -32022 error has no data.supported list'
        : undefined,
  );
  report.checkStatus(
    'http.protocol-version-header',
    'modern',
    reply,
    400,
    `MCP-Protocol-Version ${UNSUPPORTED}`,
  );
}

/** 2026: a request without the required clientCapabilities is malformed: -32602 (400 over HTTP). */
export async function checkRequiredMeta(peer: ModernPeer, report: Report, method: string): Promise<void> {
  const reply = await peer.call(method, {
    _meta: { 'io.modelcontextprotocol/clientCapabilities': undefined },
  });
  report.check(
    'meta.required-fields',
    'modern',
    errorOf(reply)?.code === -32602
      ? undefined
      : `${method} without clientCapabilities was answered ${describe(reply)}`,
  );
  report.checkStatus('http.meta-status', 'modern', reply, 400, `${method} without clientCapabilities`);
}
