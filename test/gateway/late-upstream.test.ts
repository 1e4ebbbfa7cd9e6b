/**
 * An upstream that is not there when the gateway starts: the gateway starts anyway, says so once,
 * keeps trying in the background without piling up supervisors, and lists its tools once it is up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { type HttpServerHandle, serveHttp } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { freePort } from '../support/free-port.js';
import { waitUntil } from '../support/wait.js';

let gateway: Gateway | undefined;
let upstream: HttpServerHandle | undefined;
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe('a late upstream', () => {
  it('is retried in the background and listed once it answers', async () => {
    const port = await freePort();
    const diagnostics: string[] = [];
    gateway = new Gateway(
      { upstreams: { late: { url: `http://127.0.0.1:${port}/mcp` } }, audit: false },
      { onDiagnostic: (message) => diagnostics.push(message) },
    );
    await gateway.start();
    expect(gateway.health()[0]?.state).not.toBe('up');
    const before = await gateway.catalog.tools();
    expect(before).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    upstream = await serveHttp(createServer(), { port });
    await waitUntil(() => gateway?.health()[0]?.state === 'up', 15_000);
    const names = (await gateway.catalog.tools()).map((tool) => tool.name);
    expect(names).toContain('late__echo');
    // One line for the first failure; retries are quiet, and no stale supervisor gives up later.
    expect(diagnostics.filter((line) => line.includes('gave up'))).toEqual([]);
    expect(diagnostics.filter((line) => line.includes('not reachable yet'))).toHaveLength(1);
  }, 30_000);
});
