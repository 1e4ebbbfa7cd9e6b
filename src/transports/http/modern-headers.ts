import { isUtf8 } from 'node:buffer';
import { McpError } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import type { ServerCore } from '../../server/core.js';
import { mcpNameSource } from './mcp-name.js';
import { argumentAt, collectParamHeaders, type ParamHeader } from './x-mcp-header.js';

type Headers = Record<string, string | string[] | undefined>;

const SENTINEL = /^=\?base64\?(.*)\?=$/;
// Canonical Base64 only: whole quads, padding only at the end.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Visible ASCII, space and tab (RFC 9110 field values).
const SAFE_VALUE = /^[\x20-\x7e\t]*$/;

function mismatch(message: string): McpError {
  return new McpError(ErrorCode.HeaderMismatch, `Header mismatch: ${message}`);
}

/** A body value for an error message; never throws (`String({toString: 1})` would). */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Decodes the `=?base64?…?=` sentinel; rejects values with characters a header cannot carry. */
export function decodeHeaderValue(value: string, name: string): string {
  const encoded = SENTINEL.exec(value);
  if (encoded) {
    if (!BASE64.test(encoded[1]!)) throw mismatch(`${name} is not valid Base64`);
    const bytes = Buffer.from(encoded[1]!, 'base64');
    // Substituting U+FFFD would let bytes that are not UTF-8 match a body value.
    if (!isUtf8(bytes)) throw mismatch(`${name} is not valid UTF-8`);
    return bytes.toString('utf8');
  }
  if (!SAFE_VALUE.test(value)) throw mismatch(`${name} contains invalid characters`);
  return value;
}

/**
 * 2026 Streamable HTTP: the mirrored headers must be present and agree with the body
 * (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`, and `Mcp-Param-*` of `x-mcp-header` tool params).
 */
export function checkModernHeaders(
  core: ServerCore,
  headers: Headers,
  method: string,
  params: Record<string, unknown>,
): void {
  const meta = isPlainRecord(params._meta) ? params._meta : {};
  const version = header(headers, 'mcp-protocol-version');
  if (version === undefined) throw mismatch('missing MCP-Protocol-Version header');
  if (meta[MetaKey.protocolVersion] !== undefined && version !== meta[MetaKey.protocolVersion]) {
    throw mismatch(
      `MCP-Protocol-Version header '${version}' does not match _meta protocolVersion '${shown(meta[MetaKey.protocolVersion])}'`,
    );
  }
  const methodHeader = header(headers, 'mcp-method');
  if (methodHeader === undefined) throw mismatch('missing Mcp-Method header');
  if (methodHeader !== method)
    throw mismatch(`Mcp-Method header '${methodHeader}' does not match body method '${method}'`);
  const source = mcpNameSource(method);
  if (source) {
    const raw = header(headers, 'mcp-name');
    if (raw === undefined) throw mismatch('missing Mcp-Name header');
    const name = decodeHeaderValue(raw, 'Mcp-Name');
    if (name !== params[source])
      throw mismatch(`Mcp-Name header '${name}' does not match body value '${shown(params[source])}'`);
  }
  if (method === 'tools/call' && typeof params.name === 'string') {
    const tool = core.wireTool(params.name);
    if (tool) checkParamHeaders(headers, paramHeaders(tool.inputSchema), params.arguments);
  }
}

const annotated = new WeakMap<object, ParamHeader[]>();

/** The `x-mcp-header` annotations of a tool (cached per schema object). */
export function paramHeaders(schema: Record<string, unknown>): ParamHeader[] {
  let found = annotated.get(schema);
  if (!found) {
    found = collectParamHeaders(schema).headers;
    annotated.set(schema, found);
  }
  return found;
}

// Decimal only (the spec's encoding), with an optional zero fraction: "42" and "42.0" are 42; "",
// " 5", "0x10" are not numbers here although Number() reads them.
const DECIMAL_INTEGER = /^-?[0-9]+(?:\.0+)?$/;

function checkParamHeaders(headers: Headers, expected: ParamHeader[], args: unknown): void {
  for (const { header: name, path } of expected) {
    const value = argumentAt(args, path);
    const raw = header(headers, name);
    // A header that is present is checked even when its argument is absent (invalid characters).
    const decoded = raw === undefined ? undefined : decodeHeaderValue(raw, name);
    if (value === undefined || value === null) continue;
    if (decoded === undefined) throw mismatch(`missing ${name} header for argument ${path.join('.')}`);
    const same =
      typeof value === 'number'
        ? DECIMAL_INTEGER.test(decoded) && Number(decoded) === value
        : (typeof value === 'string' || typeof value === 'boolean') && String(value) === decoded;
    if (!same) throw mismatch(`${name} header '${decoded}' does not match argument ${path.join('.')}`);
  }
}
