/**
 * 2026 `x-mcp-header` through a pass-through gateway (the conformance suite's
 * `http-custom-header-validation`): every connection of the upstream's pool mirrors the annotated
 * arguments into `Mcp-Param-*` headers, not only the one that listed the tools.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '../../src/server/mcp-server.js';
import { BARE_MODERN_META } from '../support/server-harness.js';
import { type PassThrough, passThrough } from './conformance-support.js';

let running: PassThrough | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function upstream(): McpServer {
  const server = new McpServer({ name: 'upstream', version: '1', onDiagnostic: () => {} });
  server.tool<{ region?: string }>('regional', {
    description: 'its region argument travels in Mcp-Param-Region too',
    inputSchema: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } } },
    handler: async ({ region }) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `region ${region}`;
    },
  });
  return server;
}

describe('x-mcp-header through the gateway', () => {
  it('calls on any pooled connection carry the Mcp-Param headers the upstream checks', async () => {
    running = await passThrough(upstream());
    const client = await running.client();
    await client.listTools();
    // Concurrent calls lease several connections of the pool.
    const regions = ['eu-west', 'us-east', 'ap-south', 'Zürich'];
    const results = await Promise.all(regions.map((region) => client.callTool('regional', { region })));
    expect(results.map((result) => result.content)).toEqual(
      regions.map((region) => [{ type: 'text', text: `region ${region}` }]),
    );
  });

  it('the gateway itself refuses a call whose Mcp-Param header disagrees with the argument', async () => {
    running = await passThrough(upstream());
    const post = (region: string) =>
      fetch(running!.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'regional',
          'mcp-param-region': region,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'regional', arguments: { region: 'eu-west' }, _meta: BARE_MODERN_META },
        }),
      });
    const refused = await post('us-east');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(-32020);
    const accepted = await post('eu-west');
    expect(accepted.status).toBe(200);
    await accepted.body?.cancel();
  });
});
