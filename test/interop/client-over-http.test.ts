/**
 * The erlmcp client over Streamable HTTP: against the erlmcp server (both eras, including a stream
 * the server breaks and the client resumes), an SDK v2 `createMcpHandler` server, and an SDK v1
 * `StreamableHTTPServerTransport` server (the 2026 probe falls back to `initialize`).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { contentText, waitUntil } from '../support/wait.js';

const benchPeers = join(dirname(fileURLToPath(import.meta.url)), '../../dist/bench/peers');
let erlmcp: HttpServerHandle;
const stops: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  erlmcp = await serveHttp(createServer(), { port: 0 });
  stops.push(() => erlmcp.close());
});
afterAll(async () => {
  for (const stop of stops) await stop();
});

function newClient(versionNegotiation: 'auto' | 'legacy') {
  return new Client(
    { name: 'erlmcp-http', version: '1' },
    {
      versionNegotiation,
      sampling: async () => ({ role: 'assistant', content: { type: 'text', text: 'sampled' }, model: 'm' }),
      elicitation: async () => ({
        action: 'accept',
        content: { username: 'ada', email: 'a@b.c', name: 'Ada' },
      }),
      roots: [{ uri: 'file:///r' }],
    },
  );
}

/** Starts a built bench peer server (it prints `URL …`). */
async function peer(script: string): Promise<string> {
  const child = spawn(process.execPath, [join(benchPeers, script)], { stdio: ['ignore', 'pipe', 'inherit'] });
  stops.push(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const match = /URL (\S+)/.exec(chunk);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

for (const mode of ['auto', 'legacy'] as const) {
  describe(`erlmcp client → erlmcp HTTP server (${mode})`, () => {
    it('negotiates, calls tools, answers input requests, gets progress and logs', async () => {
      const client = newClient(mode);
      await client.connect(new StreamableHttpClientTransport(erlmcp.url));
      try {
        expect(client.protocolVersion).toBe(mode === 'auto' ? '2026-07-28' : '2025-11-25');
        expect((await client.listAllTools()).length).toBeGreaterThan(20);
        expect(contentText(await client.callTool('echo', { message: 'over http' }))).toBe('Echo: over http');
        expect(contentText(await client.callTool('test_sampling', { prompt: 'p' }))).toBe(
          'LLM response: sampled',
        );
        expect(contentText(await client.callTool('test_elicitation', { message: 'm' }))).toContain(
          '"username":"ada"',
        );
        expect(contentText(await client.callTool('list_roots'))).toBe('Roots: file:///r');
        const progress: number[] = [];
        await client.callTool(
          'test_tool_with_progress',
          {},
          { onProgress: (p) => progress.push(p.progress) },
        );
        expect(progress).toEqual([0, 50, 100]);
        const logs: unknown[] = [];
        client.onNotification('notifications/message', (params) => logs.push(params.data));
        await client.setLogLevel('info');
        await client.callTool('test_tool_with_logging');
        await waitUntil(() => logs.length === 3);
        expect((await client.readResource('test://static-text')).contents).toHaveLength(1);
        expect((await client.getPrompt('test_simple_prompt')).messages).toHaveLength(1);
      } finally {
        await client.close();
      }
    });
  });
}

describe('erlmcp client: stream resumption (2025)', () => {
  it('gets the result after the server closes the stream mid-call (Last-Event-ID)', async () => {
    const client = newClient('legacy');
    await client.connect(new StreamableHttpClientTransport(erlmcp.url));
    try {
      expect(contentText(await client.callTool('test_reconnection'))).toBe(
        'Reconnection test completed successfully',
      );
    } finally {
      await client.close();
    }
  });
});

describe('erlmcp client: a failed resumption (2025)', () => {
  /** A client whose resumptions (GETs with Last-Event-ID) carry `header: value` instead. */
  async function resumingWith(header: string, value: string) {
    const rewrite: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (headers.has('last-event-id')) headers.set(header, value);
      return fetch(input, { ...init, headers });
    };
    const client = newClient('legacy');
    const transport = new StreamableHttpClientTransport(erlmcp.url, { fetch: rewrite });
    await client.connect(transport);
    return { client, transport };
  }

  it("fails the call with the server's reason and keeps its session", async () => {
    // The events expired: the resumption names an id the server no longer has.
    const { client, transport } = await resumingWith('last-event-id', 'expired.1');
    try {
      const session = transport.sessionId;
      await expect(client.callTool('test_reconnection')).rejects.toThrow('can still be replayed');
      expect(transport.sessionId).toBe(session);
      expect(contentText(await client.callTool('echo', { message: 'still here' }))).toBe('Echo: still here');
    } finally {
      await client.close();
    }
  });

  it('forgets its session when the resumption gets 404 (the session is gone)', async () => {
    // The session ended while the stream was broken: the server answers 404 with a JSON-RPC error.
    const { client, transport } = await resumingWith('mcp-session-id', 'ended');
    try {
      await expect(client.callTool('test_reconnection')).rejects.toThrow('Session not found');
      expect(transport.sessionId).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('forgets its session when a POST gets 404 with a JSON-RPC body (the session was deleted)', async () => {
    const client = newClient('legacy');
    const transport = new StreamableHttpClientTransport(erlmcp.url);
    await client.connect(transport);
    try {
      const session = transport.sessionId!;
      // The server ends the session (as an idle timeout or a restart would).
      const deleted = await fetch(erlmcp.url, {
        method: 'DELETE',
        headers: { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
      });
      expect(deleted.status).toBe(200);
      await expect(client.callTool('echo', { message: 'x' })).rejects.toThrow('Session not found');
      expect(transport.sessionId).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});

describe('erlmcp client → SDK servers over HTTP', () => {
  it('speaks 2026 with an SDK v2 createMcpHandler server', async () => {
    const client = newClient('auto');
    await client.connect(new StreamableHttpClientTransport(await peer('sdk-v2-http-server.js')));
    try {
      expect(client.protocolVersion).toBe('2026-07-28');
      expect(contentText(await client.callTool('echo', { message: 'v2' }))).toBe('Echo: v2');
    } finally {
      await client.close();
    }
  });

  it('falls back to a 2025 session with an SDK v1 StreamableHTTPServerTransport server', async () => {
    const client = newClient('auto');
    await client.connect(new StreamableHttpClientTransport(await peer('sdk-v1-http-server.js')));
    try {
      expect(client.era).toBe('legacy');
      expect(contentText(await client.callTool('echo', { message: 'v1' }))).toBe('Echo: v1');
    } finally {
      await client.close();
    }
  });
});
