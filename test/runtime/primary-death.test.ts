import { readFileSync } from 'node:fs';
import { type ClientRequest, type IncomingHttpHeaders, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliServer, startCli } from '../support/cli-process.js';
import { waitUntil } from '../support/wait.js';

const FIXTURE = 'test/fixtures/slow-server.mjs';
const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/**
 * Whether a process has exited. A zombie has: it holds no memory, sockets or ports any more, it only
 * waits for its new parent (PID 1 once the primary is gone) to reap it, which some init processes do
 * only every second or so. `kill(pid, 0)` would call it alive.
 */
function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The processes the primary forked, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

/** A POST on a fresh connection (any worker may take it); the answer is SSE here, so: raw text. */
const post = (url: string, headers: Record<string, string>, body: string) =>
  new Promise<{ headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () => resolve({ headers: res.headers, text }));
    });
    req.once('error', reject);
    req.end(body);
  });

const readyPids = (server: CliServer) =>
  [...server.stderr().matchAll(/worker (\d+) ready/g)].map((match) => Number(match[1]));

describe.skipIf(process.platform !== 'linux')('erlmcp serve --workers, primary killed', () => {
  let server: CliServer | undefined;
  let workers: number[] = [];
  const streams: ClientRequest[] = [];
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.destroy();
    await server?.stop();
    server = undefined;
    for (const pid of workers.splice(0)) if (!exited(pid)) process.kill(pid, 'SIGKILL');
  });

  it('ends every worker, open SSE streams and all, within a second of a SIGKILL of the primary', async () => {
    server = await startCli([FIXTURE, '--transport', 'http', '--port', '0', '--workers', '2'], {
      ERLMCP_HTTP_RESPONSE_MODE: 'sse',
    });
    const cli = server;
    await waitUntil(() => readyPids(cli).length === 2, 10_000);
    workers = readyPids(cli);
    expect(childrenOf(cli.child.pid!).sort()).toEqual([...workers].sort());

    // Sessions on both workers, each with its GET stream and a tool call still running on an SSE
    // response: the workers have open streams to clients when their primary dies.
    const owners = new Set<number>();
    const ended: Promise<void>[] = [];
    const open = (headers: Record<string, string>, method: 'GET' | 'POST', body?: string) => {
      const req = request(cli.url, { method, headers, agent: false });
      streams.push(req);
      ended.push(
        new Promise<void>((resolve) => {
          req.once('response', (res) => {
            res.resume();
            res.once('close', resolve);
          });
          req.once('error', () => resolve());
        }),
      );
      req.end(body);
    };
    for (let i = 0; i < 20 && owners.size < 2; i++) {
      const init = await post(
        cli.url,
        LEGACY_HEADERS,
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      );
      const session = { ...LEGACY_HEADERS, 'mcp-session-id': String(init.headers['mcp-session-id']) };
      await post(cli.url, session, '{"jsonrpc":"2.0","method":"notifications/initialized"}');
      const whoami = await post(
        cli.url,
        session,
        '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}',
      );
      owners.add(Number(/"text":"(\d+)"/.exec(whoami.text)?.[1]));
      open({ ...session, accept: 'text/event-stream' }, 'GET');
      open(
        session,
        'POST',
        '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":60000}}}',
      );
    }
    expect([...owners].sort()).toEqual([...workers].sort());
    await new Promise((resolve) => setTimeout(resolve, 200)); // the streams are open on the workers

    const killed = performance.now();
    cli.child.kill('SIGKILL');
    await waitUntil(() => workers.every(exited), 1_000);
    const streamsEnded = await Promise.race([
      Promise.all(ended).then(() => true),
      new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (performance.now() - killed)), false)),
    ]);
    expect(streamsEnded).toBe(true);
  }, 30_000);
});
