import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import { ErlmcpError } from '../../jsonrpc/errors.js';

/**
 * Attribute names of the OpenTelemetry semantic conventions for MCP (GenAI conventions, status
 * "Development": https://opentelemetry.io/docs/specs/semconv/gen-ai/mcp/), plus erlmcp's own.
 */
export const McpAttribute = {
  methodName: 'mcp.method.name',
  sessionId: 'mcp.session.id',
  protocolVersion: 'mcp.protocol.version',
  resourceUri: 'mcp.resource.uri',
  toolName: 'gen_ai.tool.name',
  promptName: 'gen_ai.prompt.name',
  operationName: 'gen_ai.operation.name',
  requestId: 'jsonrpc.request.id',
  networkTransport: 'network.transport',
  networkProtocolName: 'network.protocol.name',
  errorType: 'error.type',
  rpcStatusCode: 'rpc.response.status_code',
  /** erlmcp: the transport as erlmcp names it (`stdio`, `http`, `ws`, `tcp`, `memory`, …). */
  transport: 'erlmcp.transport',
  /** erlmcp: `ok`, `tool_error`, `error` or `cancelled`. */
  outcome: 'erlmcp.outcome',
} as const;

/**
 * `{mcp.method.name} {target}` when the target is low-cardinality (a tool or prompt name); a resource
 * URI is not, so resource spans are named by the method alone.
 */
export function spanName(method: string, target: string | undefined): string {
  return target !== undefined && (method === 'tools/call' || method === 'prompts/get')
    ? `${method} ${target}`
    : method;
}

/** The attributes known when a request starts, on the server or the client side. */
export function requestAttributes(method: string, target: string | undefined): Attributes {
  const attributes: Attributes = { [McpAttribute.methodName]: method };
  if (target === undefined) return attributes;
  if (method === 'tools/call') {
    attributes[McpAttribute.toolName] = target;
    attributes[McpAttribute.operationName] = 'execute_tool';
  } else if (method === 'prompts/get') attributes[McpAttribute.promptName] = target;
  else attributes[McpAttribute.resourceUri] = target;
  return attributes;
}

/** `network.transport` / `network.protocol.name` of an erlmcp transport name (memory has none). */
export function networkAttributes(transport: string, attributes: Attributes): void {
  attributes[McpAttribute.transport] = transport;
  switch (transport) {
    case 'stdio':
      attributes[McpAttribute.networkTransport] = 'pipe';
      return;
    case 'http':
    case 'sse':
      attributes[McpAttribute.networkTransport] = 'tcp';
      attributes[McpAttribute.networkProtocolName] = 'http';
      return;
    case 'ws':
      attributes[McpAttribute.networkTransport] = 'tcp';
      attributes[McpAttribute.networkProtocolName] = 'websocket';
      return;
    case 'tcp':
      attributes[McpAttribute.networkTransport] = 'tcp';
  }
}

/**
 * Records how a request ended. A JSON-RPC error and a tool result with `isError` are errors
 * (`error.type` is the code, or `tool_error`); a cancelled request is not.
 */
export function recordOutcome(
  span: Span,
  outcome: 'ok' | 'tool_error' | 'error' | 'cancelled' | undefined,
  errorCode: number | undefined,
  error?: unknown,
): void {
  if (outcome !== undefined) span.setAttribute(McpAttribute.outcome, outcome);
  if (outcome === 'tool_error') {
    span.setAttribute(McpAttribute.errorType, 'tool_error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool result with isError' });
  } else if (outcome === 'error') {
    if (errorCode !== undefined) span.setAttribute(McpAttribute.rpcStatusCode, String(errorCode));
    span.setAttribute(McpAttribute.errorType, errorCode !== undefined ? String(errorCode) : errorType(error));
    const message =
      error instanceof Error ? error.message : errorCode !== undefined ? `JSON-RPC error ${errorCode}` : '';
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    if (error instanceof Error && errorCode === undefined) span.recordException(error);
  }
}

/** A local error's stable code (`ERR_REQUEST_TIMEOUT`), else its class name. */
function errorType(error: unknown): string {
  if (error instanceof ErlmcpError) return error.code;
  return error instanceof Error ? error.name : '_OTHER';
}
