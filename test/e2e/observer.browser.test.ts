/**
 * The observer page in a real browser (Debian's chromium driven by playwright-core) while load
 * runs: the request count rises and a tool row appears. Saves a screenshot under test-results/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { type HttpServerHandle, serveHttp } from '../../src/serve/serve-http.js';
import { MODERN_HEADERS } from '../support/cli-process.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = 'test-results/observer';

describe('observer page in a browser', () => {
  let browser: Browser | undefined;
  let handle: HttpServerHandle | undefined;
  let loading = false;
  afterEach(async () => {
    loading = false;
    await browser?.close();
    await handle?.destroy();
  });

  it('shows the request count rising and the tool row while load runs', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`);
    }
    handle = await serveHttp(createServer(), { port: 0, observer: { intervalMs: 200 } });
    const url = handle.url;
    // A steady 2026 load of `echo` calls until the test ends (bounded by the test's timeout).
    loading = true;
    const load = (async () => {
      for (let id = 1; loading && id < 100_000; id++) {
        await fetch(url, {
          method: 'POST',
          headers: {
            ...MODERN_HEADERS,
            'mcp-method': 'tools/call',
            'mcp-name': 'echo',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id,
            method: 'tools/call',
            params: {
              name: 'echo',
              arguments: { message: 'observed' },
              _meta: {
                'io.modelcontextprotocol/protocolVersion': '2026-07-28',
                'io.modelcontextprotocol/clientCapabilities': {},
                'io.modelcontextprotocol/clientInfo': { name: 'load', version: '1' },
              },
            },
          }),
        }).then((response) => response.text());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(new URL('/observer', url).href);
    const count = async () => Number(await page.locator('#total-requests').textContent());
    await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = await count();
    await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(first + 20);
    expect(await count()).toBeGreaterThan(first);
    await expect
      .poll(async () => page.locator('#targets tr[data-name="tool echo"]').count(), { timeout: 5_000 })
      .toBe(1);
    expect(await page.locator('#status').textContent()).toBe('live');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}/observer.png`, fullPage: true });
    loading = false;
    await load;
  }, 40_000);
});
