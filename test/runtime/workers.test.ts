import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CliServer,
  MODERN_HEADERS,
  modernToolCall,
  postOnFreshConnection,
  startCli,
} from '../support/cli-process.js';
import { parseSamples, series } from '../support/prometheus-text.js';
import { waitUntil } from '../support/wait.js';

const FIXTURE = 'test/fixtures/slow-server.mjs';
const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/** A POST on a fresh connection, so the cluster may hand it to any worker. */
const post = (url: string, headers: Record<string, string>, body: unknown) =>
  postOnFreshConnection(url, headers, typeof body === 'string' ? body : JSON.stringify(body));

/** A GET on a fresh connection (any worker may take it): status and body. */
const getOnFreshConnection = (url: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).once('error', reject);
  });

/** The first snapshot of the observer's SSE feed, on a fresh connection (any worker may serve it). */
const firstObserverSnapshot = (url: string) =>
  new Promise<{
    totals: { requests: number };
    supervisor: { pid: string; restarts: { kind: string; id: string }[] };
  }>((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        const data = /^data: (.*)$/m.exec(text);
        if (!data) return;
        req.destroy();
        resolve(JSON.parse(data[1]!));
      });
    });
    req.once('error', (error) => {
      if (!req.destroyed) reject(error);
    });
  });

const readyPids = (server: CliServer) =>
  [...server.stderr().matchAll(/worker (\d+) ready/g)].map((match) => Number(match[1]));

describe('erlmcp serve --workers', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('routes 2025 sessions to their worker, restarts a SIGKILLed worker, and drains all on SIGTERM', async () => {
    server = await startCli([FIXTURE, '--transport', 'http', '--port', '0', '--workers', '2']);
    const cli = server;
    await waitUntil(() => readyPids(cli).length === 2, 10_000);
    const [first, second] = readyPids(cli) as [number, number];

    // A session opened on one worker is served whichever worker the connection lands on.
    const init = await post(cli.url, LEGACY_HEADERS, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    const session = String(init.headers['mcp-session-id']);
    const withSession = { ...LEGACY_HEADERS, 'mcp-session-id': session };
    expect(
      (await post(cli.url, withSession, { jsonrpc: '2.0', method: 'notifications/initialized' })).status,
    ).toBe(202);
    const whoami = async (id: number) => {
      const answer = await post(cli.url, withSession, {
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'whoami', arguments: {} },
      });
      return answer;
    };
    const owners = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const answer = await whoami(10 + i);
      expect(answer.status).toBe(200);
      owners.add(String(answer.body.result?.content[0]?.text));
    }
    expect(owners.size).toBe(1);
    const owner = Number([...owners][0]);
    expect([first, second]).toContain(owner);
    const other = owner === first ? second : first;

    // Kill the other worker: the primary restarts it; the session and new requests are unaffected.
    process.kill(other, 'SIGKILL');
    await waitUntil(() => cli.stderr().includes(`worker ${other} exited`), 5_000);
    await waitUntil(() => readyPids(cli).length === 3, 10_000);
    const replacement = readyPids(cli)[2]!;
    expect([first, second]).not.toContain(replacement);
    for (let i = 0; i < 10; i++) {
      const answer = await post(
        cli.url,
        { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'whoami' },
        modernToolCall(100 + i, 'whoami'),
      );
      expect(answer.status).toBe(200);
      expect([owner, replacement]).toContain(Number(answer.body.result?.content[0]?.text));
    }
    for (let i = 0; i < 4; i++)
      expect((await whoami(200 + i)).body.result?.content[0]?.text).toBe(String(owner));

    // Kill the owner: its session is gone with it, and every worker now says so (404), none guesses.
    process.kill(owner, 'SIGKILL');
    await waitUntil(() => readyPids(cli).length === 4, 10_000);
    for (let i = 0; i < 4; i++) {
      const answer = await whoami(300 + i);
      expect(answer.status).toBe(404);
      expect(answer.body.error?.message).toMatch(/Session not found/);
    }

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 40_000);

  it('answers /metrics for the whole cluster from any worker, worker restarts included', async () => {
    server = await startCli([FIXTURE, '--transport', 'http', '--port', '0', '--workers', '2', '--observer']);
    const cli = server;
    await waitUntil(() => readyPids(cli).length === 2, 10_000);
    const calls = 8;
    const answeredBy = new Set<string>();
    for (let i = 0; i < calls; i++) {
      const answer = await post(
        cli.url,
        { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'whoami' },
        modernToolCall(i, 'whoami'),
      );
      expect(answer.status).toBe(200);
      answeredBy.add(String(answer.body.result?.content[0]?.text));
    }
    // The cluster spread the connections, so no single worker saw every call.
    expect(answeredBy.size).toBe(2);
    const metricsUrl = new URL('/metrics', cli.url).href;
    const whoamiCalls = async () => {
      const scrape = await getOnFreshConnection(metricsUrl);
      expect(scrape.status).toBe(200);
      const counts = series(parseSamples(scrape.text), 'erlmcp_requests_total');
      return Object.entries(counts)
        .filter(([labels]) => labels.includes('tool=whoami'))
        .reduce((sum, [, value]) => sum + value, 0);
    };
    // Every scrape, whichever worker takes it, counts all the calls.
    for (let i = 0; i < 4; i++) expect(await whoamiCalls()).toBe(calls);

    // So does the observer page: its feed merges every worker's view, and a session's drill-down
    // is found on whichever worker owns it.
    const init = await post(cli.url, LEGACY_HEADERS, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    const sessionId = String(init.headers['mcp-session-id']);
    const feedUrl = new URL('/observer/events', cli.url).href;
    for (let i = 0; i < 4; i++) {
      const view = await firstObserverSnapshot(feedUrl);
      expect(view.totals.requests).toBe(calls);
      expect(view.supervisor.pid.split(', ').sort()).toEqual([...answeredBy].sort());
      const drillDown = await getOnFreshConnection(new URL(`/observer/sessions/${sessionId}`, cli.url).href);
      expect(drillDown.status).toBe(200);
      expect(JSON.parse(drillDown.text)).toMatchObject({ id: sessionId, client: 't' });
    }

    const [victim] = [...answeredBy].map(Number);
    process.kill(victim!, 'SIGKILL');
    await waitUntil(() => readyPids(cli).length === 3, 10_000);
    const scrape = await getOnFreshConnection(metricsUrl);
    expect(series(parseSamples(scrape.text), 'erlmcp_restarts_total')).toEqual({ 'kind=worker': 1 });

    // The restart happened in the primary; every worker's observer page shows it (the replacement
    // hears of it when it is ready), and no worker counts it again in the metrics.
    const restartsOnPage = async () => {
      const feed = await firstObserverSnapshot(new URL('/observer/events', cli.url).href);
      return feed.supervisor.restarts.map((restart) => `${restart.kind} ${restart.id}`);
    };
    for (let i = 0; i < 6; i++) {
      let seen: string[] = [];
      for (let attempt = 0; attempt < 50 && !seen.includes(`worker ${victim}`); attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        seen = await restartsOnPage();
      }
      expect(seen).toEqual([`worker ${victim}`]);
    }
    const again = await getOnFreshConnection(metricsUrl);
    expect(series(parseSamples(again.text), 'erlmcp_restarts_total')).toEqual({ 'kind=worker': 1 });

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 40_000);
});

describe('erlmcp serve --workers, 2026 input rounds', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('accepts the retry of an input round on whichever worker takes it (one shared requestState key)', async () => {
    server = await startCli([
      'dist/examples/everything.js',
      '--transport',
      'http',
      '--port',
      '0',
      '--workers',
      '2',
    ]);
    const cli = server;
    await waitUntil(() => readyPids(cli).length === 2, 15_000);
    const headers = { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'test_elicitation' };
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
      'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1' },
    };
    const body = (id: number, params: Record<string, unknown> = {}) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'test_elicitation', arguments: { message: 'who?' }, _meta: meta, ...params },
    });
    // Each round on a fresh connection: the cluster spreads them, so first rounds and retries land on
    // different workers again and again (with a key per worker, about half of these failed).
    for (let i = 0; i < 8; i++) {
      const first = await post(cli.url, headers, body(2 * i + 1));
      const round = first.body.result as unknown as {
        resultType: string;
        requestState: string;
        inputRequests: Record<string, unknown>;
      };
      expect(round.resultType).toBe('input_required');
      const [key] = Object.keys(round.inputRequests);
      const answer = { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
      const retry = await post(
        cli.url,
        headers,
        body(2 * i + 2, { requestState: round.requestState, inputResponses: { [key!]: answer } }),
      );
      expect(retry.body.error, JSON.stringify(retry.body.error)).toBeUndefined();
      expect(retry.body.result?.content[0]?.text).toContain('action=accept');
    }
  }, 40_000);
});
