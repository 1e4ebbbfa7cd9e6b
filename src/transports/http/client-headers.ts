import { isPlainRecord, type JsonRpcMessage } from '../../jsonrpc/message.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import { isModernVersion } from '../../protocol/versions.js';
import { mcpNameSource } from './mcp-name.js';
import { argumentAt, collectParamHeaders, type ParamHeader } from './x-mcp-header.js';

const SAFE_HEADER = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** A header value, Base64-sentinel encoded when it cannot travel as plain ASCII (2026 rule). */
export function encodeHeaderValue(value: string): string {
  if (SAFE_HEADER.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='))) return value;
  return `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * The 2026 request headers a client mirrors from the message (`MCP-Protocol-Version`, `Mcp-Method`,
 * `Mcp-Name`, the tool's `Mcp-Param-*` from its `x-mcp-header` arguments) and the W3C trace context
 * of `_meta`. Returns whether the message is a 2026 one (else the caller sets its 2025 version).
 */
export function mirrorModernHeaders(
  message: JsonRpcMessage | undefined,
  toolHeaders: ReadonlyMap<string, ParamHeader[]>,
  headers: Record<string, string>,
): boolean {
  const params = message && 'params' in message && isPlainRecord(message.params) ? message.params : undefined;
  const meta = params && isPlainRecord(params._meta) ? params._meta : undefined;
  if (meta !== undefined) copyTraceContext(meta, headers);
  const modern = meta?.[MetaKey.protocolVersion];
  if (!(typeof modern === 'string' && isModernVersion(modern) && message && 'method' in message))
    return false;
  headers['mcp-protocol-version'] = modern;
  headers['mcp-method'] = message.method;
  const field = mcpNameSource(message.method);
  const name = field ? params?.[field] : undefined;
  if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
  if (message.method === 'tools/call' && typeof name === 'string') {
    for (const param of toolHeaders.get(name) ?? []) {
      const value = argumentAt(params?.arguments, param.path);
      if (value === undefined || value === null) continue;
      headers[`mcp-param-${param.name}`] = encodeHeaderValue(
        typeof value === 'string' ? value : String(value),
      );
    }
  }
  return true;
}

/**
 * Tools whose `x-mcp-header` annotations are invalid are left out of tools/list (the spec's MUST for
 * HTTP clients); the others' annotated arguments are remembered in `toolHeaders` for mirroring.
 */
export function screenTools(
  tools: unknown[],
  toolHeaders: Map<string, ParamHeader[]>,
  warn: (message: string) => void,
): unknown[] {
  return tools.filter((tool) => {
    if (!isPlainRecord(tool) || typeof tool.name !== 'string' || !isPlainRecord(tool.inputSchema))
      return true;
    const { headers, problems } = collectParamHeaders(tool.inputSchema);
    if (problems.length > 0) {
      toolHeaders.delete(tool.name);
      warn(`MCP tool "${tool.name}" left out: ${problems.join('; ')}`);
      return false;
    }
    toolHeaders.set(tool.name, headers);
    return true;
  });
}

const TRACE_KEYS = [MetaKey.traceparent, MetaKey.tracestate, MetaKey.baggage] as const;

/** W3C trace context in `_meta` travels as HTTP headers too, for HTTP-level tracing on the way. */
function copyTraceContext(meta: Record<string, unknown>, headers: Record<string, string>): void {
  for (const key of TRACE_KEYS) {
    const value = meta[key];
    if (typeof value === 'string' && SAFE_HEADER.test(value)) headers[key] = value;
  }
}
