/**
 * 2025 sessions on three `erlmcp serve --redis` nodes behind a proxy without affinity: every request
 * of a session lands on another node than the one before, and the session works as on one node —
 * server→client requests whose answer is POSTed to another node, list_changed raised on one node
 * reaching GET streams on the others, DELETE ending the session everywhere.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { useScaleCluster } from '../support/scale-cluster-hooks.js';
import { contentText, waitUntil } from '../support/wait.js';

const cluster = useScaleCluster();

async function sdkClient(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client(
    { name: 'scale-test', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: { form: {} } } },
  );
  client.setRequestHandler(ElicitRequestSchema, async () => ({
    action: 'accept',
    content: { username: 'ada', email: 'ada@example.com' },
  }));
  client.setRequestHandler(CreateMessageRequestSchema, async () => ({
    role: 'assistant',
    content: { type: 'text', text: 'sampled' },
    model: 'test-model',
  }));
  const transport = new StreamableHTTPClientTransport(new URL(cluster().url));
  await client.connect(transport);
  return { client, transport };
}

const RAW_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

function rawPost(headers: Record<string, string>, body: object): Promise<Response> {
  return fetch(cluster().url, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** A session opened with plain HTTP, then used once on each node (each holds a copy): its headers. */
async function rawSessionOnEveryNode(): Promise<Record<string, string>> {
  const init = await rawPost(RAW_HEADERS, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  const session = { ...RAW_HEADERS, 'mcp-session-id': init.headers.get('mcp-session-id')! };
  await init.text();
  await (await rawPost(session, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  await (await rawPost(session, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).text();
  return session;
}

/** The backends that served a session's requests, in order. */
function backendsOf(sessionId: string): number[] {
  return cluster()
    .proxy.log.filter((entry) => entry.sessionId === sessionId)
    .map((entry) => entry.backend);
}

describe('2025 sessions across three nodes on Redis', () => {
  it('serves every request of an SDK v1 session, each on another node than the one before', async () => {
    const { client, transport } = await sdkClient();
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('echo');
      for (let i = 0; i < 6; i++) {
        const result = await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
        expect(contentText(result)).toBe(`Echo: m${i}`);
      }
      const served = backendsOf(transport.sessionId!);
      expect(served.length).toBeGreaterThanOrEqual(8);
      expect(new Set(served).size).toBe(3);
      for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
    } finally {
      await client.close();
    }
  });

  it('carries elicitation and sampling answers POSTed to another node back to the tool that asked', async () => {
    const { client, transport } = await sdkClient();
    try {
      // Three of each: with the calls rotating over three nodes, some run on a node other than the
      // one holding the session's GET stream (checked below).
      for (let i = 0; i < 3; i++) {
        const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } });
        expect(contentText(elicited)).toContain('ada@example.com');
        const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
        expect(contentText(sampled)).toContain('sampled');
      }
      const mine = cluster().proxy.log.filter((entry) => entry.sessionId === transport.sessionId);
      const getNode = mine.find((entry) => entry.method === 'GET' && entry.status === 200)?.backend;
      expect(getNode).toBeDefined();
      const toolNodes = mine
        .filter((entry) => entry.method === 'POST' && entry.status === 200)
        .map((e) => e.backend);
      expect(toolNodes.some((node) => node !== getNode)).toBe(true);
      // The tool call and the client's answer to its request went to different nodes.
      const log = cluster().proxy.log.filter(
        (entry) => entry.sessionId === transport.sessionId && entry.method === 'POST',
      );
      expect(log.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < log.length; i++) expect(log[i]!.backend).not.toBe(log[i - 1]!.backend);
    } finally {
      await client.close();
    }
  });

  it('delivers a list_changed raised on one node to the GET streams of sessions on every node', async () => {
    const listeners = await Promise.all([sdkClient(), sdkClient(), sdkClient()]);
    const changes = listeners.map(() => 0);
    for (const [index, { client }] of listeners.entries()) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changes[index]!++;
      });
    }
    try {
      // Each client's GET stream is open on some node (the SDK opens it after initialized).
      await waitUntil(
        () =>
          listeners.every(
            ({ transport }) =>
              // Answered (200): the node has the stream registered, not just received the GET.
              cluster().proxy.log.filter(
                (e) => e.sessionId === transport.sessionId && e.method === 'GET' && e.status === 200,
              ).length > 0,
          ),
        10_000,
      );
      const getNodes = listeners.map(({ transport }) =>
        cluster().proxy.log.findLast((e) => e.sessionId === transport.sessionId && e.method === 'GET'),
      );
      expect(getNodes.every((entry) => entry !== undefined)).toBe(true);
      const { client } = listeners[0]!;
      await client.callTool({ name: 'toggle_dynamic_tool', arguments: {} });
      await waitUntil(() => changes.every((count) => count >= 1), 10_000);
      await client.callTool({ name: 'toggle_dynamic_tool', arguments: {} });
      await waitUntil(() => changes.every((count) => count >= 2), 10_000);
    } finally {
      await Promise.all(listeners.map(({ client }) => client.close()));
    }
  });

  it('ends a session on every node when the client deletes it on one', async () => {
    const { client, transport } = await sdkClient();
    const sessionId = transport.sessionId!;
    await client.callTool({ name: 'echo', arguments: { message: 'x' } });
    await transport.terminateSession();
    await client.close();
    for (const node of cluster().nodes) {
      const answer = await fetch(node.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      expect(answer.status).toBe(404);
    }
    expect(await cluster().redis.command('EXISTS', `erlmcp:{${sessionId}}:s`)).toBe('0');
  });

  it('answers DELETE only once every node dropped its copy: the next request, anywhere, gets 404', async () => {
    for (let round = 0; round < 10; round++) {
      const session = await rawSessionOnEveryNode();
      expect((await fetch(cluster().url, { method: 'DELETE', headers: session })).status).toBe(200);
      const after = await rawPost(session, { jsonrpc: '2.0', id: 3, method: 'tools/list' });
      expect(after.status, await after.text()).toBe(404);
    }
  });

  it('answers logging/setLevel only once every node has the level: the next request logs at it', async () => {
    for (let round = 0; round < 20; round++) {
      const session = await rawSessionOnEveryNode();
      const set = { jsonrpc: '2.0', id: 3, method: 'logging/setLevel', params: { level: 'error' } };
      await (await rawPost(session, set)).text();
      const call = { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'test_logging_tool' } };
      const answer = await rawPost(session, call);
      const logged = await answer.text();
      expect(answer.status, logged).toBe(200);
      expect(logged).toContain('error message');
      expect(logged).not.toContain('warning message');
    }
  });
});
