/**
 * Official SDK clients against the erlmcp Streamable HTTP server (node:http, port 0): SDK v1 (2025
 * session), SDK v2 with `legacy` (2025) and `auto` (2026 stateless, MRTR).
 */
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { type HttpServerHandle, serveHttp } from '../../src/exports/http.js';
import { contentText, waitUntil } from '../support/wait.js';

let http: HttpServerHandle;
beforeAll(async () => {
  http = await serveHttp(createServer(), { port: 0 });
});
afterAll(async () => {
  await http?.close();
});

const sampled = {
  role: 'assistant' as const,
  content: { type: 'text' as const, text: 'sampled' },
  model: 'm',
  stopReason: 'endTurn',
};
const accepted = { action: 'accept' as const, content: { username: 'ada', email: 'a@b.c', ok: true } };

describe('SDK v1 client over Streamable HTTP (2025 session)', () => {
  it('initializes a session, calls tools, answers server requests over SSE, gets progress and logs', async () => {
    const client = new V1Client(
      { name: 'v1-http', version: '1' },
      { capabilities: { sampling: {}, elicitation: {}, roots: {} } },
    );
    client.setRequestHandler(CreateMessageRequestSchema, async () => sampled);
    client.setRequestHandler(ElicitRequestSchema, async () => accepted);
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///h' }] }));
    const logs: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    const transport = new V1HttpTransport(new URL(http.url));
    await client.connect(transport);
    try {
      expect(transport.sessionId).toMatch(/[0-9a-f-]{36}/);
      expect(client.getServerVersion()?.name).toBe('erlmcp-everything');
      expect((await client.listTools()).tools.length).toBeGreaterThan(20);
      expect(contentText(await client.callTool({ name: 'echo', arguments: { message: 'http' } }))).toBe(
        'Echo: http',
      );
      expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent).toEqual({
        sum: 3,
      });
      expect(contentText(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'p' } }))).toBe(
        'LLM response: sampled',
      );
      expect(
        contentText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'm' } })),
      ).toContain('action=accept');
      expect(contentText(await client.callTool({ name: 'list_roots' }))).toBe('Roots: file:///h');
      const progress: number[] = [];
      await client.callTool({ name: 'test_tool_with_progress' }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      });
      await waitUntil(() => progress.length === 3);
      await client.callTool({ name: 'test_tool_with_logging' });
      await waitUntil(() => logs.length === 3);
      const read = await client.readResource({ uri: 'test://static-text' });
      expect(read.contents[0]).toMatchObject({ text: 'This is the content of the static text resource.' });
      const prompt = await client.getPrompt({ name: 'test_simple_prompt' });
      expect(prompt.messages).toHaveLength(1);
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });
});

describe('SDK v1 client resuming with a Last-Event-ID erlmcp no longer has', () => {
  it('is refused with 400, not 404, and its session goes on', async () => {
    const client = new V1Client({ name: 'v1-resume', version: '1' });
    const transport = new V1HttpTransport(new URL(http.url));
    await client.connect(transport);
    try {
      const session = transport.sessionId;
      await expect(transport.resumeStream('expired.1')).rejects.toMatchObject({ code: 400 });
      expect(transport.sessionId).toBe(session);
      expect(await client.ping()).toEqual({});
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });
});

for (const mode of ['legacy', 'auto'] as const) {
  describe(`SDK v2 client over Streamable HTTP (versionNegotiation: ${mode})`, () => {
    it('negotiates, calls tools, answers elicitation and sampling, reads and gets prompts', async () => {
      const client = new V2Client(
        { name: `v2-http-${mode}`, version: '1' },
        {
          capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} },
          versionNegotiation: { mode },
        },
      );
      client.setRequestHandler('sampling/createMessage', async () => sampled);
      client.setRequestHandler('elicitation/create', async () => accepted);
      client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///h' }] }));
      await client.connect(new V2HttpTransport(new URL(http.url)));
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        expect((await client.listTools()).tools.map((t) => t.name)).toContain(
          'test_input_required_result_elicitation',
        );
        expect(contentText(await client.callTool({ name: 'echo', arguments: { message: 'v2' } }))).toBe(
          'Echo: v2',
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
        const read = await client.readResource({ uri: 'test://template/9/data' });
        expect(JSON.parse(String((read.contents[0] as { text: string }).text))).toMatchObject({ id: '9' });
        const prompt = await client.getPrompt({
          name: 'test_prompt_with_arguments',
          arguments: { arg1: 'a', arg2: 'b' },
        });
        expect(prompt.messages).toHaveLength(1);
      } finally {
        await client.close();
      }
    });
  });
}
