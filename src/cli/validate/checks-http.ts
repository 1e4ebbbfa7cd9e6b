import type { LegacyPeer, ModernPeer, Peer } from './peers.js';
import type { Report } from './report.js';
import { describe, errorOf } from './wire.js';

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** Every http.* rule of the era, skipped: the target is not an HTTP server. */
export function skipHttp(report: Report, era: Peer['era']): void {
  report.skipRest(era, 'not HTTP', (rule) => rule.startsWith('http.'));
}

/** 2025 sessions over HTTP: the session id, an unknown session, the version header. */
export async function checkLegacyHttp(peer: LegacyPeer, report: Report): Promise<void> {
  const sessionId = peer.sessionId;
  if (sessionId !== undefined) {
    report.check(
      'http.session-id',
      'legacy',
      VISIBLE_ASCII.test(sessionId)
        ? undefined
        : `Mcp-Session-Id ${JSON.stringify(sessionId)} is not visible ASCII`,
      'assigned on initialize',
    );
    const unknown = await peer.call(
      'ping',
      {},
      { headers: { 'mcp-session-id': 'erlmcp-validate-unknown-session' } },
    );
    report.check(
      'http.unknown-session',
      'legacy',
      unknown.http?.status === 404
        ? undefined
        : `a request in an unknown session was answered ${describe(unknown)}`,
    );
  } else {
    // No id on initialize: sessions are optional (MAY), but then none can be required or appear later.
    const ping = await peer.call('ping');
    const late = ping.http?.headers['mcp-session-id'];
    report.check(
      'http.session-id',
      'legacy',
      ping.http?.status === 400 || ping.http?.status === 404
        ? `initialize assigned no Mcp-Session-Id, yet a request without one was answered ${describe(ping)}`
        : late !== undefined
          ? `Mcp-Session-Id ${JSON.stringify(late)} came on a later response, not on the initialize response`
          : undefined,
      'no sessions',
    );
    report.skip('http.unknown-session', 'legacy', 'the server assigned no session id');
  }
  const badVersion = await peer.call('ping', {}, { headers: { 'mcp-protocol-version': '1999-01-01' } });
  report.check(
    'http.protocol-version-header',
    'legacy',
    badVersion.http?.status === 400
      ? undefined
      : `MCP-Protocol-Version 1999-01-01 was answered ${describe(badVersion)}`,
  );
}

/** 2026 over HTTP: Mcp-Method missing or disagreeing with the body is a 400 HeaderMismatch (-32020). */
export async function checkModernHttp(peer: ModernPeer, report: Report): Promise<void> {
  const missing = await peer.call('server/discover', {}, { omitHeaders: ['mcp-method'] });
  const wrong = await peer.call('server/discover', {}, { headers: { 'mcp-method': 'tools/list' } });
  const problems = [
    { asked: 'without Mcp-Method', reply: missing },
    { asked: 'with Mcp-Method tools/list', reply: wrong },
  ].filter(({ reply }) => !(reply.http?.status === 400 && errorOf(reply)?.code === -32020));
  report.check(
    'http.header-mismatch',
    'modern',
    problems[0] && `server/discover ${problems[0].asked} was answered ${describe(problems[0].reply)}`,
  );
}

/** Both eras: a body that is not JSON gets an HTTP error status, and a -32700 error body if any. */
export async function checkParseError(peer: Peer, report: Report): Promise<void> {
  const reply = await peer.wire.raw!(
    '{"jsonrpc": "2.0", "id": 1, "method": ',
    peer.headers('tools/list', {}),
  );
  const status = reply.http?.status ?? 0;
  const error = errorOf(reply);
  report.check(
    'http.parse-error',
    peer.era,
    status < 400 || status > 499
      ? `a body that is not JSON was answered ${describe(reply)}`
      : error !== undefined && error.code !== -32700
        ? `a body that is not JSON was answered error ${String(error.code)}, not -32700`
        : undefined,
    `HTTP ${status}${error ? ` ${String(error.code)}` : ''}`,
  );
}

/** Every successful answer to a request came as application/json or text/event-stream. */
export function checkContentTypes(peer: Peer, report: Report): void {
  const answered = peer.log.filter(
    ({ reply }) => reply.http && reply.http.status >= 200 && reply.http.status < 300,
  );
  const wrong = answered.find(
    ({ reply }) =>
      !/^(application\/json|text\/event-stream)\b/i.test(reply.http?.headers['content-type'] ?? ''),
  );
  report.check(
    'http.content-type',
    peer.era,
    wrong &&
      `${wrong.method} was answered with Content-Type ${JSON.stringify(wrong.reply.http?.headers['content-type'] ?? '(none)')}`,
    `${answered.length} answers`,
  );
}
