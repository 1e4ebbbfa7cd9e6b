/**
 * Killing an upstream behind the gateway: an erlmcp HTTP server spoken to in either era (a child
 * process, SIGKILL, then started again on the same port; in 2025 its session is gone with it) and a stdio server-everything (its process killed, and kept from
 * starting again until the test lets it). While one is down its calls fail fast once its circuit is
 * open, the other's tools keep working and the dead one's tools leave the list; when it is back the
 * gateway reconnects on its own, downstream clients of both eras get `notifications/tools/list_changed`,
 * and its tools are listed and callable again.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { Subscription } from '../../src/client/subscription.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { type CliServer, startCli } from '../support/cli-process.js';
import { EVERYTHING } from '../support/everything-command.js';
import { REPO_ROOT } from '../support/repo-root.js';
import { contentText, waitUntil, waitUntilAsync } from '../support/wait.js';

const require = createRequire(import.meta.url);
const serverEverything = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const gatedServer = join(REPO_ROOT, 'test/fixtures/gated-stdio-server.mjs');

const work = mkdtempSync(join(tmpdir(), 'erlmcp-gw-failure-'));
const gateFile = join(work, 'gate');
const pidFile = join(work, 'pid');

/** The erlmcp HTTP servers: `web` spoken to in the 2026 era, `old` in the 2025 era (a session). */
const http: Record<'web' | 'old', { server: CliServer | undefined; port: number }> = {
  web: { server: undefined, port: 0 },
  old: { server: undefined, port: 0 },
};
let gateway: Gateway;
let endpoint: HttpServerHandle;
let modern: Client;
let subscription: Subscription;
let legacy: V1Client;
let legacyTransport: V1HttpTransport;
/** When each downstream client got `notifications/tools/list_changed`. */
const modernChanges: number[] = [];
const legacyChanges: number[] = [];

const serveWeb = (port: number) => startCli([EVERYTHING, '--transport', 'http', '--port', String(port)]);

beforeAll(async () => {
  for (const entry of Object.values(http)) {
    entry.server = await serveWeb(0);
    entry.port = Number(new URL(entry.server.url).port);
  }
  const httpUpstream = (name: 'web' | 'old', era: 'modern' | 'legacy') => ({
    url: http[name].server!.url,
    era,
    circuitBreaker: { failureThreshold: 2, openMs: 1_000 },
    restart: { maxRestarts: 50, periodMs: 60_000, maxDelayMs: 300 },
    timeoutMs: 5_000,
  });
  gateway = new Gateway(
    {
      upstreams: {
        web: httpUpstream('web', 'modern'),
        old: httpUpstream('old', 'legacy'),
        local: {
          command: process.execPath,
          args: [gatedServer, serverEverything, 'stdio'],
          env: { GATE_FILE: gateFile, PID_FILE: pidFile },
          poolSize: 1,
          circuitBreaker: { failureThreshold: 2, openMs: 1_000 },
          restart: { maxRestarts: 50, periodMs: 60_000, maxDelayMs: 300 },
          timeoutMs: 5_000,
        },
      },
    },
    { onAudit: () => {}, onDiagnostic: () => {} },
  );
  await gateway.start();
  endpoint = await serveHttp(gateway.server, { host: '127.0.0.1', port: 0 });

  modern = new Client({ name: 'failure-modern', version: '1' }, { versionNegotiation: 'modern' });
  await modern.connect(new StreamableHttpClientTransport(endpoint.url));
  subscription = modern.listen({ toolsListChanged: true }, (method) => {
    if (method === 'notifications/tools/list_changed') modernChanges.push(Date.now());
  });
  await subscription.acknowledged;

  legacy = new V1Client({ name: 'failure-legacy', version: '1' });
  legacy.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    legacyChanges.push(Date.now());
  });
  legacyTransport = new V1HttpTransport(new URL(endpoint.url));
  await legacy.connect(legacyTransport);
}, 60_000);

afterAll(async () => {
  await subscription?.close().catch(() => {});
  await modern?.close();
  await legacyTransport?.terminateSession().catch(() => {});
  await legacy?.close();
  await endpoint?.close();
  await gateway?.close();
  for (const entry of Object.values(http)) await entry.server?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function toolNames(): Promise<string[]> {
  return (await modern.listAllTools()).map((tool) => tool.name);
}

const upstream = (name: string) => gateway.upstreams.find((candidate) => candidate.name === name)!;

/**
 * Calls the dead upstream until its circuit is open (its calls, or the gateway's reconnection
 * attempts, failed), bounded in time; then times five more calls, each of which must fail naming
 * the upstream. Returns their median: on this shared 2-core machine one call can wait behind other
 * work of the process (the gateway and the client share it), which says nothing about the gateway.
 */
async function failFast(tool: string, args: Record<string, unknown>, name: string): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (upstream(name).breaker.state !== 'open' && Date.now() < deadline) {
    await modern.callTool(tool, args, { timeoutMs: 10_000 }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(upstream(name).breaker.state).toBe('open');
  const times: number[] = [];
  for (let call = 0; call < 5; call++) {
    const started = performance.now();
    await expect(modern.callTool(tool, args)).rejects.toThrow(new RegExp(`Upstream ${name}`));
    times.push(performance.now() - started);
  }
  expect(Math.max(...times)).toBeLessThan(1_000); // none waited for a connection attempt or a timeout
  return times.sort((a, b) => a - b)[2]!;
}

describe('an upstream killed behind the gateway', () => {
  it('starts with both upstreams listed and callable', async () => {
    await waitUntilAsync(async () => (await toolNames()).includes('local__echo'));
    const names = await toolNames();
    expect(names).toEqual(expect.arrayContaining(['web__echo', 'old__echo']));
    expect(contentText(await modern.callTool('web__echo', { message: 'a' }))).toBe('Echo: a');
    expect(contentText(await modern.callTool('local__echo', { message: 'b' }))).toBe('Echo: b');
  });

  for (const [name, era] of [
    ['web', '2026'],
    ['old', '2025 session'],
  ] as const) {
    it(`HTTP upstream, ${era} (SIGKILL): fails fast, others unaffected, leaves the list, comes back on the same port`, async () => {
      const entry = http[name];
      await entry.server?.stop();
      entry.server = undefined;
      const medianMs = await failFast(`${name}__echo`, { message: 'x' }, name);
      expect(medianMs).toBeLessThan(50);
      // The other upstreams keep working during the outage.
      expect(contentText(await modern.callTool('local__echo', { message: 'still' }))).toBe('Echo: still');
      expect(
        contentText(await legacy.callTool({ name: 'local__echo', arguments: { message: 'still' } })),
      ).toBe('Echo: still');
      await waitUntilAsync(async () => !(await toolNames()).some((tool) => tool.startsWith(`${name}__`)));
      expect(await toolNames()).toContain('local__echo');

      const restarted = Date.now();
      entry.server = await serveWeb(entry.port);
      await waitUntil(
        () => modernChanges.some((at) => at >= restarted) && legacyChanges.some((at) => at >= restarted),
        20_000,
      );
      await waitUntilAsync(async () => (await toolNames()).includes(`${name}__echo`), 20_000);
      expect(contentText(await modern.callTool(`${name}__echo`, { message: 'back' }))).toBe('Echo: back');
      expect(
        contentText(await legacy.callTool({ name: `${name}__echo`, arguments: { message: 'back' } })),
      ).toBe('Echo: back');
    }, 60_000);
  }

  it('stdio upstream (process killed): fails fast, others unaffected, leaves the list, is restarted', async () => {
    const firstPid = Number(readFileSync(pidFile, 'utf8'));
    writeFileSync(gateFile, 'down');
    process.kill(firstPid, 'SIGKILL');
    const medianMs = await failFast('local__echo', { message: 'x' }, 'local');
    expect(medianMs).toBeLessThan(50);
    expect(contentText(await modern.callTool('web__echo', { message: 'still' }))).toBe('Echo: still');
    await waitUntilAsync(async () => !(await toolNames()).some((name) => name.startsWith('local__')));
    expect(await toolNames()).toContain('web__echo');

    const reopened = Date.now();
    rmSync(gateFile);
    await waitUntil(
      () => modernChanges.some((at) => at >= reopened) && legacyChanges.some((at) => at >= reopened),
      20_000,
    );
    await waitUntilAsync(async () => (await toolNames()).includes('local__echo'), 20_000);
    expect(existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8'))).not.toBe(firstPid);
    expect(contentText(await modern.callTool('local__echo', { message: 'back' }))).toBe('Echo: back');
    expect(contentText(await legacy.callTool({ name: 'local__echo', arguments: { message: 'back' } }))).toBe(
      'Echo: back',
    );
  }, 60_000);
});
