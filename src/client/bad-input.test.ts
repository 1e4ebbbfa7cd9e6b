import { describe, expect, it } from 'vitest';
import { ScriptedPeer } from '../../test/support/scripted-peer.js';
import { Client } from './client.js';
import type { ClientOptions } from './options.js';

/** A client connected to a server the test plays by hand. */
async function scripted(options: ClientOptions = {}, era: 'legacy' | 'modern' = 'legacy') {
  const diagnostics: string[] = [];
  const peer = new ScriptedPeer();
  const client = new Client(
    { name: 'c', version: '1' },
    { versionNegotiation: era, onDiagnostic: (m) => diagnostics.push(m), ...options },
  );
  const connecting = client.connect(peer);
  const opening = await peer.waitFor(
    (m) => m.method === (era === 'legacy' ? 'initialize' : 'server/discover'),
  );
  const result =
    era === 'legacy'
      ? {
          protocolVersion: '2025-11-25',
          capabilities: { tools: {} },
          serverInfo: { name: 's', version: '1' },
        }
      : { resultType: 'complete', supportedVersions: ['2026-07-28'], capabilities: { tools: {} } };
  peer.deliver({ jsonrpc: '2.0', id: opening.id, result });
  await connecting;
  /** Answers the next request of `method` with `result` (or an error). */
  /** Answers the newest request of `method` not answered yet. */
  const answer = async (method: string, reply: { result?: unknown; error?: unknown }) => {
    const fresh = (m: Record<string, unknown>) => m.method === method && (m.id as number) > lastAnswered;
    await peer.waitFor(fresh);
    const request = peer.sent.filter(fresh).at(-1)!;
    lastAnswered = request.id as number;
    peer.deliver({ jsonrpc: '2.0', id: request.id, ...reply });
    return request;
  };
  let lastAnswered = 0;
  return { client, peer, diagnostics, answer };
}

const TOOLS = { tools: [{ name: 't', inputSchema: { type: 'object' } }] };

describe('client: bad input from servers', () => {
  it('ignores garbage and invalid messages, and keeps working', async () => {
    const { client, peer, diagnostics, answer } = await scripted();
    peer.frameError({ kind: 'invalid_json', message: 'Parse error' });
    peer.deliver({ hello: 'world' });
    const listing = client.listTools();
    await answer('tools/list', { result: TOOLS });
    expect((await listing).tools).toHaveLength(1);
    expect(diagnostics.join('\n')).toMatch(/unreadable message[\s\S]*invalid message/);
  });

  it('ignores a response with an unknown id', async () => {
    const { client, peer, diagnostics, answer } = await scripted();
    peer.deliver({ jsonrpc: '2.0', id: 4242, result: {} });
    expect(diagnostics).toContain('ignored a response to unknown request id 4242');
    const listing = client.listTools();
    await answer('tools/list', { result: TOOLS });
    await expect(listing).resolves.toMatchObject({ tools: [{ name: 't' }] });
  });

  it('rejects a result of the wrong shape, then works again', async () => {
    const { client, answer } = await scripted();
    const bad = client.listTools();
    await answer('tools/list', { result: { tools: 'none' } });
    await expect(bad).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
    const good = client.listTools();
    await answer('tools/list', { result: TOOLS });
    await expect(good).resolves.toMatchObject({ tools: [{ name: 't' }] });
  });

  it('rejects an unknown resultType', async () => {
    const { client, answer } = await scripted({}, 'modern');
    const call = client.callTool('t');
    await answer('tools/call', { result: { resultType: 'mystery', content: [] } });
    await expect(call).rejects.toMatchObject({ code: 'ERR_INVALID_RESPONSE' });
  });

  it('tolerates a notification nobody expected', async () => {
    const { peer, diagnostics } = await scripted();
    peer.deliver({ jsonrpc: '2.0', method: 'notifications/surprise', params: { x: 1 } });
    expect(diagnostics).toContain('no handler for notifications/surprise');
  });

  it('answers a server request it has no handler for with -32601', async () => {
    const { peer } = await scripted();
    peer.deliver({
      jsonrpc: '2.0',
      id: 'srv-1',
      method: 'sampling/createMessage',
      params: { messages: [], maxTokens: 1 },
    });
    peer.deliver({ jsonrpc: '2.0', id: 'srv-2', method: 'weird/method', params: {} });
    await expect(peer.response('srv-1')).resolves.toMatchObject({ error: { code: -32601 } });
    await expect(peer.response('srv-2')).resolves.toMatchObject({ error: { code: -32601 } });
  });

  it('rejects pending calls when the server dies, and every later call at once', async () => {
    const { client, peer } = await scripted();
    const pending = client.listTools();
    await peer.waitFor((m) => m.method === 'tools/list');
    await peer.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
    await expect(client.listTools()).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
    expect(client.connected).toBe(false);
  });

  it('times out a server that never answers, cancels the request, and stays usable', async () => {
    const { client, peer, answer } = await scripted({ requestTimeoutMs: 50 });
    await expect(client.listTools()).rejects.toMatchObject({ code: 'ERR_REQUEST_TIMEOUT' });
    const cancel = await peer.waitFor((m) => m.method === 'notifications/cancelled');
    expect(cancel.params).toMatchObject({ requestId: expect.any(Number) });
    const listing = client.listTools();
    await answer('tools/list', { result: TOOLS });
    await expect(listing).resolves.toBeDefined();
  });

  it('stops an InputRequiredResult loop at the round limit', async () => {
    const { client, peer } = await scripted(
      { maxInputRounds: 3, elicitation: async () => ({ action: 'accept', content: {} }) },
      'modern',
    );
    let lastId = 0;
    const call = client.callTool('t');
    const loop = (async () => {
      for (let round = 0; round < 3; round++) {
        const request = await peer.waitFor((m) => m.method === 'tools/call' && (m.id as number) > lastId);
        lastId = request.id as number;
        peer.deliver({
          jsonrpc: '2.0',
          id: request.id,
          result: {
            resultType: 'input_required',
            inputRequests: {
              again: {
                method: 'elicitation/create',
                params: { message: 'more?', requestedSchema: { type: 'object', properties: {} } },
              },
            },
            requestState: 'opaque',
          },
        });
      }
    })();
    await expect(call).rejects.toMatchObject({ code: 'ERR_INPUT_ROUNDS_EXCEEDED' });
    const retries = peer.sent.filter((m) => m.method === 'tools/call');
    expect(retries).toHaveLength(3);
    expect(retries[1]?.params).toMatchObject({
      requestState: 'opaque',
      inputResponses: { again: { action: 'accept' } },
    });
    expect(new Set(retries.map((m) => m.id)).size).toBe(3);
    await peer.close();
    await loop;
  });
});
