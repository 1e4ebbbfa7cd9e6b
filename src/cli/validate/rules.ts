/**
 * Every rule `erlmcp validate` checks: its id, how binding the spec text is, and where each revision
 * says it. A MUST that fails is a FAIL (exit 1); a SHOULD that fails is a WARN (exit unaffected).
 * Sections are page paths under /specification/<revision>/ with the heading anchor.
 */
export type Era = 'legacy' | 'modern';
export type Level = 'MUST' | 'SHOULD';

export const REVISION: Record<Era, string> = { legacy: '2025-11-25', modern: '2026-07-28' };

export interface Rule {
  level: Level;
  /** What a passing server does, in one line. */
  says: string;
  /** The spec section per era; an era without one does not have the rule. */
  section: Partial<Record<Era, string>>;
}

const both = (legacy: string, modern: string) => ({ legacy, modern });

export const RULES = {
  'lifecycle.pre-initialize': {
    level: 'MUST',
    says: 'a request sent before initialize is answered (result or error) and initialize still works',
    section: { legacy: 'basic/lifecycle#initialization' },
  },
  'lifecycle.version-negotiation': {
    level: 'MUST',
    says: 'initialize with an unsupported version is answered with a version the server supports',
    section: { legacy: 'basic/lifecycle#version-negotiation' },
  },
  'lifecycle.initialize-result': {
    level: 'MUST',
    says: 'the initialize result has protocolVersion and capabilities',
    section: { legacy: 'basic/lifecycle#initialization' },
  },
  'lifecycle.server-info': {
    level: 'MUST',
    says: 'the initialize result has serverInfo with name and version',
    section: { legacy: 'basic/lifecycle#initialization' },
  },
  'lifecycle.ping': {
    level: 'MUST',
    says: 'ping is answered with an empty result',
    section: { legacy: 'basic/utilities/ping#behavior-requirements' },
  },
  'discover.result': {
    level: 'MUST',
    says: 'server/discover answers supportedVersions (with 2026-07-28) and capabilities',
    section: { modern: 'server/discover#response' },
  },
  'discover.server-info': {
    level: 'SHOULD',
    says: 'server/discover names the server in _meta io.modelcontextprotocol/serverInfo',
    section: { modern: 'server/discover#discoverresult' },
  },
  'version.unsupported': {
    level: 'MUST',
    says: 'a request with an unsupported protocol version gets -32022 listing data.supported',
    section: { modern: 'basic/versioning#protocol-version-negotiation' },
  },
  'meta.required-fields': {
    level: 'MUST',
    says: 'a request without the required _meta field clientCapabilities gets -32602',
    section: { modern: 'basic/index#meta' },
  },
  'results.result-type': {
    level: 'MUST',
    says: 'every result carries resultType',
    section: { modern: 'basic/index#result-responses' },
  },
  'errors.method-not-found': {
    level: 'MUST',
    says: 'an unknown method gets JSON-RPC error -32601',
    section: both('basic/index#error-responses', 'basic/index#error-codes'),
  },
  'errors.unknown-tool': {
    level: 'SHOULD',
    says: 'tools/call of an unknown tool is a protocol error -32602, not a tool result',
    section: both('server/tools#error-handling', 'server/tools#error-handling'),
  },
  'results.tools-list': {
    level: 'MUST',
    says: 'tools/list: every tool has a name and an inputSchema of type "object"',
    section: both('server/tools#tool', 'server/tools#tool'),
  },
  'results.tool-call': {
    level: 'MUST',
    says: 'tools/call results have a content array of typed blocks',
    section: both('server/tools#tool-result', 'server/tools#tool-result'),
  },
  'results.resources-list': {
    level: 'MUST',
    says: 'resources/list: every resource has uri and name',
    section: both('server/resources#resource', 'server/resources#resource'),
  },
  'results.resource-templates-list': {
    level: 'MUST',
    says: 'resources/templates/list: every template has uriTemplate and name',
    section: both('server/resources#resource-templates', 'server/resources#resource-templates'),
  },
  'results.resource-read': {
    level: 'MUST',
    says: 'resources/read answers contents, each with uri and text or blob',
    section: both('server/resources#reading-resources', 'server/resources#reading-resources'),
  },
  'results.prompts-list': {
    level: 'MUST',
    says: 'prompts/list: every prompt has a name; arguments have names',
    section: both('server/prompts#listing-prompts', 'server/prompts#listing-prompts'),
  },
  'results.prompt-get': {
    level: 'MUST',
    says: 'prompts/get answers messages, each with a role and a content block',
    section: both('server/prompts#getting-a-prompt', 'server/prompts#getting-a-prompt'),
  },
  'pagination.walk': {
    level: 'MUST',
    says: 'following nextCursor reaches the end without repeating a cursor',
    section: both('server/utilities/pagination', 'server/utilities/pagination'),
  },
  'pagination.invalid-cursor': {
    level: 'SHOULD',
    says: 'an invalid cursor gets -32602',
    section: both('server/utilities/pagination#error-handling', 'server/utilities/pagination#error-handling'),
  },
  cancellation: {
    level: 'MUST',
    says: 'cancelling an in-flight request leaves the server answering the next one',
    section: both('basic/utilities/cancellation#behavior-requirements', 'basic/patterns/cancellation'),
  },
  'http.content-type': {
    level: 'MUST',
    says: 'a response to a request is application/json or text/event-stream',
    section: both(
      'basic/transports#sending-messages-to-the-server',
      'basic/transports/streamable-http#sending-messages',
    ),
  },
  'http.parse-error': {
    level: 'MUST',
    says: 'a body that is not JSON gets an HTTP error status (and, if any, a -32700 error body)',
    section: both(
      'basic/transports#sending-messages-to-the-server',
      'basic/transports/streamable-http#sending-messages',
    ),
  },
  'http.notification-accepted': {
    level: 'MUST',
    says: 'an accepted notification is answered 202 with no body',
    section: { legacy: 'basic/transports#sending-messages-to-the-server' },
  },
  'http.session-id': {
    level: 'MUST',
    says: 'a session id is assigned on the initialize response (visible ASCII), or none is required',
    section: { legacy: 'basic/transports#session-management' },
  },
  'http.unknown-session': {
    level: 'MUST',
    says: 'a request with an unknown Mcp-Session-Id is answered 404',
    section: { legacy: 'basic/transports#session-management' },
  },
  'http.protocol-version-header': {
    level: 'MUST',
    says: 'an unsupported MCP-Protocol-Version header is answered 400',
    section: both(
      'basic/transports#protocol-version-header',
      'basic/transports/streamable-http#protocol-version-header',
    ),
  },
  'http.method-not-found-status': {
    level: 'MUST',
    says: 'an unknown method is answered 404 with -32601',
    section: { modern: 'basic/transports/streamable-http#protocol-version-header' },
  },
  'http.header-mismatch': {
    level: 'MUST',
    says: 'a missing or mismatched Mcp-Method header is answered 400 with -32020',
    section: { modern: 'basic/transports/streamable-http#server-validation' },
  },
  'http.meta-status': {
    level: 'MUST',
    says: 'a request missing a required _meta field is answered 400',
    section: { modern: 'basic/index#meta' },
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

/** `2025-11-25 basic/lifecycle#version-negotiation`: where the rule is written for that era. */
export function specOf(rule: RuleId, era: Era): string {
  const section = (RULES[rule] as Rule).section[era];
  return section === undefined ? REVISION[era] : `${REVISION[era]} ${section}`;
}
