/**
 * 2026 multi round-trip requests through a pass-through gateway (what the conformance suite's
 * `input-required-result-*` scenarios check): the upstream's input requests reach the caller with
 * their keys, all of a round at once, for prompts as for tools.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '../../src/server/mcp-server.js';
import { type PassThrough, passThrough } from './conformance-support.js';

let running: PassThrough | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const FORM = {
  message: 'Your name?',
  requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } } },
};

function upstream(): McpServer {
  const server = new McpServer({ name: 'upstream', version: '1', onDiagnostic: () => {} });
  server.prompt('asks_first', {
    description: 'elicits, then answers',
    get: async (_args, ctx) => {
      const answer = await ctx.elicit(FORM, { key: 'user_context' });
      const name = (answer.content as { name?: string } | undefined)?.name ?? 'nobody';
      return { messages: [{ role: 'user', content: { type: 'text', text: `context: ${name}` } }] };
    },
  });
  return server;
}

describe('MRTR through the gateway', () => {
  it('a prompt that asks for input completes on the retry (the caller’s requestState stays downstream)', async () => {
    running = await passThrough(upstream());
    const client = await running.client({
      elicitation: async () => ({ action: 'accept', content: { name: 'Ada' } }),
    });
    const result = await client.getPrompt('asks_first', {});
    expect(result.messages[0]?.content).toEqual({ type: 'text', text: 'context: Ada' });
  });
});
