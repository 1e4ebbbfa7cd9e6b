import { describe, expect, it } from 'vitest';
import { harness } from '../../test/support/server-harness.js';
import type { McpServer } from './mcp-server.js';

function setup(runs: { count: number }) {
  return (server: McpServer) => {
    server.tool('two_questions', {
      handler: async (_args, ctx) => {
        runs.count++;
        const name = await ctx.elicit({
          message: 'name?',
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
        });
        const reply = await ctx.sample({
          messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
          maxTokens: 5,
        });
        return `${String(name.content?.name)} / ${JSON.stringify(reply.content)}`;
      },
    });
  };
}

type Result = Record<string, unknown> & {
  requestState: string;
  inputRequests: Record<string, { method: string }>;
};

describe('2026 multi round-trip requests (deterministic replay)', () => {
  it('asks, replays with answers, and completes', async () => {
    const runs = { count: 0 };
    const { modern } = await harness(setup(runs));
    const first = (await modern('tools/call', { name: 'two_questions' })).result as Result;
    expect(first.resultType).toBe('input_required');
    expect(Object.values(first.inputRequests).map((r) => r.method)).toEqual(['elicitation/create']);
    const [key1] = Object.keys(first.inputRequests);
    const second = (
      await modern('tools/call', {
        name: 'two_questions',
        requestState: first.requestState,
        inputResponses: { [key1!]: { action: 'accept', content: { name: 'Ada' } } },
      })
    ).result as Result;
    expect(Object.values(second.inputRequests).map((r) => r.method)).toEqual(['sampling/createMessage']);
    const [key2] = Object.keys(second.inputRequests);
    const done = (
      await modern('tools/call', {
        name: 'two_questions',
        requestState: second.requestState,
        inputResponses: { [key2!]: { role: 'assistant', content: { type: 'text', text: 'yo' }, model: 'm' } },
      })
    ).result as Record<string, unknown>;
    expect(done.resultType).toBe('complete');
    expect(done.content).toEqual([{ type: 'text', text: 'Ada / {"type":"text","text":"yo"}' }]);
    expect(runs.count).toBe(3);
  });

  it('rejects tampered, foreign and expired state without running the handler', async () => {
    const runs = { count: 0 };
    const { modern } = await harness(setup(runs), { requestStateTtlMs: 30 });
    const first = (await modern('tools/call', { name: 'two_questions' })).result as Result;
    expect(runs.count).toBe(1);
    const [body, mac] = first.requestState.split('.');
    const tampered = `${body!.slice(0, -2)}AA.${mac}`;
    const bad = await modern('tools/call', {
      name: 'two_questions',
      requestState: tampered,
      inputResponses: {},
    });
    expect(bad.error).toMatchObject({ code: -32602 });
    const otherRequest = await modern('tools/call', {
      name: 'two_questions',
      arguments: { x: 1 },
      requestState: first.requestState,
    });
    expect((otherRequest.error as { message: string }).message).toContain('different request');
    await new Promise((resolve) => setTimeout(resolve, 40));
    const expired = await modern('tools/call', { name: 'two_questions', requestState: first.requestState });
    expect((expired.error as { message: string }).message).toContain('expired');
    expect(runs.count).toBe(1);
  });

  it('accepts only the canonical spelling of the signature', async () => {
    const runs = { count: 0 };
    const { modern } = await harness(setup(runs));
    const first = (await modern('tools/call', { name: 'two_questions' })).result as Result;
    const [body, mac] = first.requestState.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 43 characters carry 258 bits for a 256-bit MAC: the last one's two low bits are not decoded.
    const last = alphabet.indexOf(mac.at(-1)!);
    const sameBytes = `${mac.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    for (const spelling of [
      `${mac}!`,
      `${mac}=`,
      `!${mac}`,
      `${mac.slice(0, 20)}*${mac.slice(20)}`,
      sameBytes,
    ]) {
      const answer = await modern('tools/call', {
        name: 'two_questions',
        requestState: `${body}.${spelling}`,
      });
      expect(answer.error, spelling).toMatchObject({
        code: -32602,
        message: expect.stringContaining('integrity'),
      });
    }
    expect(runs.count).toBe(1);
    const canonical = await modern('tools/call', { name: 'two_questions', requestState: first.requestState });
    expect((canonical.result as Result).resultType).toBe('input_required');
  });

  it('asks again when the retry lacks the answer', async () => {
    const runs = { count: 0 };
    const { modern } = await harness(setup(runs));
    const first = (await modern('tools/call', { name: 'two_questions' })).result as Result;
    const again = (await modern('tools/call', { name: 'two_questions', requestState: first.requestState }))
      .result as Result;
    expect(again.resultType).toBe('input_required');
    expect(Object.keys(again.inputRequests)).toEqual(Object.keys(first.inputRequests));
  });

  it('sends a real request to a 2025 client instead', async () => {
    const runs = { count: 0 };
    const { peer, initialize, request } = await harness(setup(runs));
    await initialize();
    const pending = request('tools/call', { name: 'two_questions' });
    const elicit = await peer.waitFor((m) => m.method === 'elicitation/create');
    peer.deliver({ jsonrpc: '2.0', id: elicit.id, result: { action: 'accept', content: { name: 'Bo' } } });
    const sample = await peer.waitFor((m) => m.method === 'sampling/createMessage');
    peer.deliver({
      jsonrpc: '2.0',
      id: sample.id,
      result: { role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' },
    });
    expect(((await pending).result as { content: unknown }).content).toEqual([
      { type: 'text', text: 'Bo / {"type":"text","text":"x"}' },
    ]);
    expect(runs.count).toBe(1);
  });
});

describe('URL-mode elicitation', () => {
  const setupUrl = (server: McpServer) => {
    server.tool('sign_in', {
      handler: async (_args, ctx) => {
        const result = await ctx.elicit({ mode: 'url', message: 'Sign in', url: 'https://example.com/x' });
        return result.action;
      },
    });
  };

  it('2025-11-25 requests carry an elicitationId; 2026 input requests do not', async () => {
    const { peer, initialize, request, modern } = await harness(setupUrl);
    const urlCaps = { 'io.modelcontextprotocol/clientCapabilities': { elicitation: { url: {} } } };
    const round = (await modern('tools/call', { name: 'sign_in' }, urlCaps)).result as Result;
    const [input] = Object.values(round.inputRequests) as unknown as { params: Record<string, unknown> }[];
    expect(input?.params).toEqual({ mode: 'url', message: 'Sign in', url: 'https://example.com/x' });
    await initialize({ elicitation: { url: {} } });
    const pending = request('tools/call', { name: 'sign_in' });
    const elicit = await peer.waitFor((m) => m.method === 'elicitation/create');
    expect(typeof (elicit.params as { elicitationId?: unknown }).elicitationId).toBe('string');
    peer.deliver({ jsonrpc: '2.0', id: elicit.id, result: { action: 'accept' } });
    expect(((await pending).result as { content: unknown }).content).toEqual([
      { type: 'text', text: 'accept' },
    ]);
  });
});

describe('input response validation', () => {
  it('rejects an answer of the wrong shape with -32602 naming the key', async () => {
    const runs = { count: 0 };
    const { modern } = await harness(setup(runs));
    const first = (await modern('tools/call', { name: 'two_questions' })).result as Result;
    const [key] = Object.keys(first.inputRequests);
    const response = await modern('tools/call', {
      name: 'two_questions',
      requestState: first.requestState,
      inputResponses: { [key!]: { action: 'maybe' } },
    });
    expect(response.error).toMatchObject({ code: -32602 });
    expect((response.error as { message: string }).message).toContain(key!);
    expect(runs.count).toBe(1);
  });
});
