/**
 * 2026 multi round-trip requests through a pass-through gateway (what the conformance suite's
 * `input-required-result-*` scenarios check): the upstream's input requests reach the caller with
 * their keys, all of a round at once, for prompts as for tools.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '../../src/server/mcp-server.js';
import { useMethods } from '../../src/server/methods.js';
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
  server.tool('asks_three', {
    description: 'elicitation, sampling and roots in one round',
    handler: async (_args, ctx) => {
      const [elicited, sampled, roots] = await Promise.all([
        ctx.elicit(FORM, { key: 'user_name' }),
        ctx.sample(
          { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 },
          { key: 'a_sample' },
        ),
        ctx.listRoots({ key: 'the_roots' }),
      ]);
      return `${elicited.action} ${sampled.model} ${roots.roots.length}`;
    },
  });
  server.tool('asks_if_it_can', {
    description: 'elicits only from a client that declared elicitation',
    handler: async (_args, ctx) => {
      if (ctx.client.capabilities.elicitation === undefined) return 'no elicitation: used a default';
      const answer = await ctx.elicit(FORM);
      return `asked: ${answer.action}`;
    },
  });
  return server;
}

/**
 * An upstream that names its input request `step` in each of two rounds (its requestState says
 * which round it is): legal, as keys are per round, but a replaying gateway must tell them apart.
 */
function reusesKeys(): McpServer {
  const server = new McpServer({ name: 'rounds', version: '1', onDiagnostic: () => {} });
  server.tool('asks_twice', { description: 'two rounds, one key', handler: () => 'unused' });
  const ask = (message: string, requestState: string) => ({
    resultType: 'input_required',
    inputRequests: { step: { method: 'elicitation/create', params: { ...FORM, mode: 'form', message } } },
    requestState,
  });
  useMethods(server.core, {
    'tools/call': (_core, exchange) => {
      const state = exchange.params.requestState;
      const responses = exchange.params.inputResponses as Record<string, { content: { name: string } }>;
      if (state === undefined) return ask('Your name?', 'round-1');
      const name = responses.step?.content.name;
      if (state === 'round-1') return ask('Again?', `round-2:${name}`);
      return { content: [{ type: 'text', text: `${String(state).slice(8)} then ${name}` }] };
    },
  });
  return server;
}

/** Answers every input request, recording its key and method; elicitations get `names` in turn. */
function recorder(names: string[]) {
  const asked: string[] = [];
  const onInput = async (
    method: string,
    _params: Record<string, unknown>,
    _signal: AbortSignal,
    key?: string,
  ) => {
    asked.push(`${key}:${method}`);
    if (method === 'elicitation/create') return { action: 'accept', content: { name: names.shift() } };
    if (method === 'sampling/createMessage')
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'x' } };
    return { roots: [{ uri: 'file:///r' }] };
  };
  return { asked, onInput };
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

  it('all input requests of one upstream round reach the caller in one round, under their keys', async () => {
    running = await passThrough(upstream());
    const client = await running.client({ capabilities: { elicitation: {}, sampling: {}, roots: {} } });
    const { asked, onInput } = recorder(['Ada']);
    const result = await client.request('tools/call', { name: 'asks_three', arguments: {} }, { onInput });
    expect(result.content).toEqual([{ type: 'text', text: 'accept m 1' }]);
    expect(asked).toEqual([
      'user_name:elicitation/create',
      'a_sample:sampling/createMessage',
      'the_roots:roots/list',
    ]);
  });

  it('the upstream sees the caller’s capabilities, not the gateway’s', async () => {
    running = await passThrough(upstream());
    const bare = await running.client({ capabilities: {} });
    const plain = await bare.callTool('asks_if_it_can', {});
    expect(plain.content).toEqual([{ type: 'text', text: 'no elicitation: used a default' }]);
    const able = await running.client({ elicitation: async () => ({ action: 'decline' }) });
    const asked = await able.callTool('asks_if_it_can', {});
    expect(asked.content).toEqual([{ type: 'text', text: 'asked: decline' }]);
  });

  it('a key the upstream uses again in a later round gets a fresh answer', async () => {
    running = await passThrough(reusesKeys());
    const client = await running.client({ capabilities: { elicitation: {} } });
    const { asked, onInput } = recorder(['Ada', 'Grace']);
    const result = await client.request('tools/call', { name: 'asks_twice', arguments: {} }, { onInput });
    expect(result.content).toEqual([{ type: 'text', text: 'Ada then Grace' }]);
    expect(asked).toEqual(['step:elicitation/create', 'step~2:elicitation/create']);
  });
});
