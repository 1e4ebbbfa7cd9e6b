/**
 * The official SDK v2 client and the erlmcp client, in both eras, through a proxy without affinity
 * over three nodes on Redis: sampling and elicitation asked by a tool on one node and answered on
 * another (2025), multi round-trip input rounds retried on another node (2026, one requestState
 * key for the cluster), progress, a 2026 listen raised on another node.
 */
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
} from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { StreamableHttpClientTransport } from '../../src/transports/http/client-transport.js';
import { everythingClientOptions } from '../support/everything-client.js';
import { useScaleCluster } from '../support/scale-cluster-hooks.js';
import { contentText, waitUntil } from '../support/wait.js';

const cluster = useScaleCluster();

const sampled = {
  role: 'assistant' as const,
  content: { type: 'text' as const, text: 'sampled' },
  model: 'm',
  stopReason: 'endTurn',
};
const accepted = { action: 'accept' as const, content: { username: 'ada', email: 'a@b.c', ok: true } };

/** Backends that served the requests from `since` on (log index), in order. */
const backendsSince = (since: number) =>
  cluster()
    .proxy.log.slice(since)
    .map((entry) => entry.backend);

for (const mode of ['legacy', 'auto'] as const) {
  describe(`SDK v2 client through three nodes (versionNegotiation: ${mode})`, () => {
    it('calls tools, answers sampling and elicitation, runs input rounds, gets progress', async () => {
      const client = new V2Client(
        { name: `v2-scale-${mode}`, version: '1' },
        {
          capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} },
          versionNegotiation: { mode },
        },
      );
      client.setRequestHandler('sampling/createMessage', async () => sampled);
      client.setRequestHandler('elicitation/create', async () => accepted);
      const since = cluster().proxy.log.length;
      await client.connect(new V2HttpTransport(new URL(cluster().url)));
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        for (let i = 0; i < 3; i++)
          expect(contentText(await client.callTool({ name: 'echo', arguments: { message: `${i}` } }))).toBe(
            `Echo: ${i}`,
          );
        expect(
          contentText(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'p' } })),
        ).toBe('LLM response: sampled');
        expect(
          contentText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'm' } })),
        ).toContain('"username":"ada"');
        expect(
          contentText(await client.callTool({ name: 'test_input_required_result_multi_round' })),
        ).toMatch(/^name=/);
        const progress: number[] = [];
        await client.callTool(
          { name: 'test_tool_with_progress' },
          { onprogress: (p) => progress.push(p.progress) },
        );
        await waitUntil(() => progress.length === 3);
        expect(new Set(backendsSince(since)).size).toBe(3);
      } finally {
        await client.close();
      }
    });
  });
}

for (const era of ['legacy', 'modern'] as const) {
  describe(`erlmcp client through three nodes (${era})`, () => {
    it('calls tools and answers what the server asks, whichever node asks', async () => {
      const client = new Client({ name: `erlmcp-scale-${era}`, version: '1' }, everythingClientOptions(era));
      const since = cluster().proxy.log.length;
      await client.connect(new StreamableHttpClientTransport(cluster().url));
      try {
        for (let i = 0; i < 3; i++)
          expect(contentText(await client.callTool('echo', { message: `${i}` }))).toBe(`Echo: ${i}`);
        expect(contentText(await client.callTool('test_sampling', { prompt: 'p' }))).toBe(
          'LLM response: sampled',
        );
        expect(contentText(await client.callTool('test_elicitation', { message: 'm' }))).toContain('ada');
        expect(new Set(backendsSince(since)).size).toBe(3);
      } finally {
        await client.close();
      }
    });
  });
}

describe('a 2026 listen on one node, the change raised on another', () => {
  it('gets tools/list_changed', async () => {
    const listener = new Client({ name: 'listener', version: '1' }, { versionNegotiation: 'modern' });
    const toggler = new Client({ name: 'toggler', version: '1' }, { versionNegotiation: 'modern' });
    await listener.connect(new StreamableHttpClientTransport(cluster().nodes[0]!.url));
    await toggler.connect(new StreamableHttpClientTransport(cluster().nodes[1]!.url));
    try {
      let changed = 0;
      const subscription = listener.listen({ toolsListChanged: true }, () => changed++);
      await subscription.acknowledged;
      await toggler.callTool('toggle_dynamic_tool', {});
      await waitUntil(() => changed >= 1, 10_000);
      await toggler.callTool('toggle_dynamic_tool', {});
    } finally {
      await listener.close();
      await toggler.close();
    }
  });
});
