/**
 * 2026-07-28 (stateless) traffic on three nodes sharing Redis and one ERLMCP_REQUEST_STATE_SECRET:
 * each round of a multi round-trip request may land on another node (the signed requestState
 * verifies on all of them), and a `subscriptions/listen` stream open on one node gets the
 * list_changed and resources/updated raised on the others.
 */
import { describe, expect, it } from 'vitest';
import { MODERN_HEADERS } from '../support/cli-process.js';
import { useScaleCluster } from '../support/scale-cluster-hooks.js';
import { openSse } from '../support/sse-reader.js';

const cluster = useScaleCluster();

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'scale-test', version: '1' },
};

interface Round {
  resultType: string;
  requestState?: string;
  inputRequests?: Record<string, unknown>;
  content?: { text: string }[];
}

async function callTool(node: number, id: number, name: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(cluster().nodes[node]!.url, {
    method: 'POST',
    headers: { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': name },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: {}, _meta: META, ...extra },
    }),
  });
  const body = (await response.json()) as { result?: Round; error?: unknown };
  expect(body.error).toBeUndefined();
  return body.result!;
}

describe('2026 requests across three nodes on Redis', () => {
  it('continues a multi round-trip request on whichever node each round reaches', async () => {
    const tool = 'test_input_required_result_multi_round';
    const first = await callTool(0, 1, tool);
    expect(first.resultType).toBe('input_required');
    expect(Object.keys(first.inputRequests ?? {})).toEqual(['step1']);
    const second = await callTool(1, 2, tool, {
      requestState: first.requestState,
      inputResponses: { step1: { action: 'accept', content: { name: 'ada' } } },
    });
    expect(second.resultType).toBe('input_required');
    expect(Object.keys(second.inputRequests ?? {})).toEqual(['step2']);
    const third = await callTool(2, 3, tool, {
      requestState: second.requestState,
      inputResponses: { step2: { action: 'accept', content: { color: 'blue' } } },
    });
    expect(third.resultType).toBe('complete');
    expect(third.content?.[0]?.text).toBe('name=ada, color=blue');
  });

  it('delivers list_changed and resources/updated raised on other nodes to a listen stream', async () => {
    const listen = await openSse(cluster().nodes[0]!.url, {
      method: 'POST',
      headers: { ...MODERN_HEADERS, 'mcp-method': 'subscriptions/listen' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 6,
        method: 'subscriptions/listen',
        params: {
          notifications: { toolsListChanged: true, resourceSubscriptions: ['test://watched-resource'] },
          _meta: META,
        },
      }),
    });
    const nextMethod = async () => (JSON.parse((await listen.next())!.data) as { method: string }).method;
    try {
      expect(await nextMethod()).toBe('notifications/subscriptions/acknowledged');
      await callTool(1, 7, 'toggle_dynamic_tool');
      expect(await nextMethod()).toBe('notifications/tools/list_changed');
      await callTool(2, 8, 'update_watched_resource');
      const updated = JSON.parse((await listen.next())!.data) as { method: string; params: { uri: string } };
      expect(updated.method).toBe('notifications/resources/updated');
      expect(updated.params.uri).toBe('test://watched-resource');
    } finally {
      await callTool(1, 9, 'toggle_dynamic_tool'); // node 1's tool list as it was
      await listen.close();
    }
  });
});
