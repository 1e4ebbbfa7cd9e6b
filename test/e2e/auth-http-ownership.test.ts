/**
 * What a principal opens, only it may use (over real HTTP behind bearerAuth): a 2025 session, a 2026
 * `requestState`, a task, a 2024-11-05 HTTP+SSE stream. Another principal with a valid token of its
 * own is told the thing does not exist, or that the state was issued to someone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpServer } from '../../src/server/mcp-server.js';
import { parseChallenge } from '../support/local-issuer.js';
import {
  legacy,
  modern,
  openSession,
  type ProtectedServer,
  serveProtected,
} from '../support/protected-http.js';

const TASKS = {
  'io.modelcontextprotocol/clientCapabilities': {
    extensions: { 'io.modelcontextprotocol/tasks': {} },
    elicitation: { form: {} },
  },
};
const ELICIT = { 'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } } };

let server: ProtectedServer;
let alice = '';
let bob = '';

function setup(mcp: McpServer) {
  mcp.tool('whoami', { handler: (_args, ctx) => ctx.principal ?? 'anonymous' });
  mcp.tool('ask', {
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
      });
      return `hello ${String(answer.content?.name)}`;
    },
  });
  mcp.tool('job', { taskSupport: 'optional', handler: () => 'job done' });
}

beforeAll(async () => {
  server = await serveProtected(setup, { http: { httpSse: { ssePath: '/sse', messagesPath: '/messages' } } });
  alice = await server.token({ sub: 'alice' });
  bob = await server.token({ sub: 'bob' });
});
afterAll(async () => {
  await server?.stop();
});

describe('2025 sessions', () => {
  it('another principal replaying a session id gets 404 on POST, GET and DELETE; the owner keeps it', async () => {
    const sessionId = await openSession(server.url, alice);
    const replay = await legacy(server.url, bob, sessionId, 'tools/call', { name: 'whoami' });
    expect(replay.status).toBe(404);
    expect(replay.body.error?.message).toMatch(/Session not found/);
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(server.url, {
        method,
        headers: { authorization: `Bearer ${bob}`, 'mcp-session-id': sessionId, accept: 'text/event-stream' },
      });
      expect(response.status, method).toBe(404);
      await response.body?.cancel();
    }
    const own = await legacy(server.url, alice, sessionId, 'tools/call', { name: 'whoami' });
    expect(own.body.result).toMatchObject({ content: [{ text: `${server.issuer.issuer}#alice` }] });
  });

  it('a client token named like the user is another principal', async () => {
    const sessionId = await openSession(server.url, alice);
    // Same `sub`, a client acting for itself: principal <iss>#client:alice, not <iss>#alice.
    const lookalike = await server.token({ sub: undefined, client_id: 'alice' });
    expect((await legacy(server.url, lookalike, sessionId, 'ping')).status).toBe(404);
  });
});

describe('2026 requestState', () => {
  it('is refused when presented by another principal (-32602), accepted from its owner', async () => {
    const first = await modern(server.url, alice, 'tools/call', { name: 'ask' }, { meta: ELICIT });
    expect(first.body.result).toMatchObject({ resultType: 'input_required' });
    const { requestState, inputRequests } = first.body.result as {
      requestState: string;
      inputRequests: object;
    };
    const [key] = Object.keys(inputRequests);
    const retry = {
      name: 'ask',
      requestState,
      inputResponses: { [key!]: { action: 'accept', content: { name: 'Ada' } } },
    };
    const stolen = await modern(server.url, bob, 'tools/call', retry, { meta: ELICIT });
    expect(stolen.status).toBe(200);
    expect(stolen.body.error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/another principal/),
    });
    const own = await modern(server.url, alice, 'tools/call', retry, { meta: ELICIT });
    expect(own.body.result).toMatchObject({ resultType: 'complete', content: [{ text: 'hello Ada' }] });
  });
});

describe('2026 tasks', () => {
  it('a task id of another principal is unknown to it', async () => {
    const created = await modern(server.url, alice, 'tools/call', { name: 'job' }, { meta: TASKS });
    expect(created.body.result).toMatchObject({ resultType: 'task' });
    const taskId = created.body.result!.taskId as string;
    const stolen = await modern(server.url, bob, 'tasks/get', { taskId }, { meta: TASKS });
    expect(stolen.body.error).toMatchObject({ code: -32602, message: `Unknown task: ${taskId}` });
    const cancel = await modern(server.url, bob, 'tasks/cancel', { taskId }, { meta: TASKS });
    expect(cancel.body.error).toMatchObject({ code: -32602, message: `Unknown task: ${taskId}` });
    const own = await modern(server.url, alice, 'tasks/get', { taskId }, { meta: TASKS });
    expect(own.body.result).toMatchObject({ taskId });
  });
});

/** Opens a 2024-11-05 SSE stream; the messages URL its `endpoint` event names, and a reader of later events. */
async function openSse(token: string | undefined) {
  const abort = new AbortController();
  const response = await fetch(new URL('/sse', server.url), {
    headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: abort.signal,
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    return { response, close: () => abort.abort() };
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (match: (data: string) => boolean): Promise<string> => {
    for (;;) {
      const events = buffer.split('\n\n');
      buffer = events.pop()!;
      for (const event of events) {
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (data && match(data)) return data;
      }
      const chunk = await reader.read();
      if (chunk.done) throw new Error('stream ended');
      buffer += chunk.value;
    }
  };
  const endpoint = await next((data) => data.includes('sessionId='));
  return { response, messages: new URL(endpoint, server.url).href, next, close: () => abort.abort() };
}

describe('2024-11-05 HTTP+SSE', () => {
  it('opening a stream without a token: 401 with the challenge', async () => {
    const { response, close } = await openSse(undefined);
    close();
    expect(response.status).toBe(401);
    expect(parseChallenge(response.headers.get('www-authenticate')).params.resource_metadata).toBe(
      `${new URL(server.url).origin}/.well-known/oauth-protected-resource/mcp`,
    );
  });

  it('posting to a stream: 401 without a token, 404 for another principal, 202 for its owner', async () => {
    const stream = await openSse(alice);
    try {
      const post = (token: string | undefined, id: number, method: string, params: object = {}) =>
        fetch(stream.messages!, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        });
      const init = {
        protocolVersion: '2024-11-05',
        capabilities: {},
        clientInfo: { name: 't', version: '1' },
      };
      const anonymous = await post(undefined, 1, 'initialize', init);
      expect(anonymous.status).toBe(401);
      const other = await post(bob, 1, 'initialize', init);
      expect(other.status).toBe(404);
      expect((await post(alice, 1, 'initialize', init)).status).toBe(202);
      expect(JSON.parse(await stream.next!((data) => data.includes('"id":1')))).toMatchObject({
        result: { protocolVersion: '2024-11-05' },
      });
      expect((await post(alice, 2, 'tools/call', { name: 'whoami' })).status).toBe(202);
      expect(JSON.parse(await stream.next!((data) => data.includes('"id":2')))).toMatchObject({
        result: { content: [{ text: `${server.issuer.issuer}#alice` }] },
      });
    } finally {
      stream.close();
    }
  });
});
