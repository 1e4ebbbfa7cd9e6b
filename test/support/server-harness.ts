import { McpServer } from '../../src/server/mcp-server.js';
import type { McpServerOptions } from '../../src/server/options.js';
import { ScriptedPeer } from './scripted-peer.js';

export const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} }, sampling: {}, roots: {} },
  'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1' },
};

/** The 2026 `_meta` envelope of a client that declares no capabilities (raw-wire tests). */
export const BARE_MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1' },
};

/** A server on a scripted peer, with helpers to send requests in either era. */
export async function harness(setup: (server: McpServer) => void, options: Partial<McpServerOptions> = {}) {
  const server = new McpServer({ name: 'test-server', version: '1.0.0', onDiagnostic: () => {}, ...options });
  setup(server);
  const peer = new ScriptedPeer();
  await server.connect(peer);
  let nextId = 0;
  const request = (method: string, params?: Record<string, unknown>, id: string | number = ++nextId) => {
    peer.deliver(
      params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params },
    );
    return peer.response(id);
  };
  const modern = (method: string, params: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
    request(method, { ...params, _meta: { ...MODERN_META, ...meta } });
  const initialize = async (
    capabilities: Record<string, unknown> = { elicitation: {}, sampling: {}, roots: {} },
    protocolVersion = '2025-11-25',
  ) => {
    const response = await request('initialize', {
      protocolVersion,
      capabilities,
      clientInfo: { name: 'test', version: '1' },
    });
    peer.deliver({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return response;
  };
  return { server, peer, request, modern, initialize };
}
