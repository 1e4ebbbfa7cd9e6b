/**
 * The gateway in front of three real upstreams of both eras: `@modelcontextprotocol/server-everything`
 * (stdio, 2025 session), the erlmcp everything example over HTTP (2026) and an SDK v1 Streamable HTTP
 * server (2025 session). The merged list carries every upstream's tools under its prefix; SDK v1, SDK
 * v2 and erlmcp clients of both eras call each upstream through it; input requests, progress, logs and
 * cancellation cross the era boundary in both directions.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2HttpTransport,
} from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import type { RequestEvent } from '../../src/core/diagnostics.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { startCli } from '../support/cli-process.js';
import { type SdkV1HttpServer, startSdkV1HttpServer } from '../support/sdk-v1-http-server.js';
import { contentText, waitUntil, waitUntilAsync } from '../support/wait.js';

const require = createRequire(import.meta.url);
const serverEverything = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

let erlmcpUpstream: HttpServerHandle;
let v1Upstream: SdkV1HttpServer;
let gateway: Gateway;
let endpoint: HttpServerHandle;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  // Small pages upstream and downstream: the gateway must walk every upstream page and page its own list.
  erlmcpUpstream = await serveHttp(createServer({ pageSize: 7 }), { host: '127.0.0.1', port: 0 });
  v1Upstream = await startSdkV1HttpServer();
  gateway = new Gateway(
    {
      upstreams: {
        everything: { command: process.execPath, args: [serverEverything, 'stdio'] },
        erlmcp: { url: erlmcpUpstream.url },
        v1: { url: v1Upstream.url },
      },
    },
    { server: { pageSize: 10 }, onAudit: () => {}, onDiagnostic: () => {} },
  );
  await gateway.start();
  endpoint = await serveHttp(gateway.server, { host: '127.0.0.1', port: 0 });
  // server-everything registers its capability-dependent tools right after initialize.
  await waitUntilAsync(async () =>
    (await gatewayToolNames()).includes('everything__trigger-sampling-request'),
  );
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  await gateway?.close();
  await erlmcpUpstream?.close();
  await v1Upstream?.close();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
});

const sampled = {
  role: 'assistant' as const,
  content: { type: 'text' as const, text: 'sampled by the caller' },
  model: 'caller-model',
  stopReason: 'endTurn',
};
/** Fits server-everything's form, the erlmcp example's and the SDK v1 fixture's. */
const accepted = {
  action: 'accept' as const,
  content: { name: 'Ada Lovelace', username: 'ada', email: 'ada@example.com', check: true, color: 'teal' },
};

function erlmcpClient(versionNegotiation: 'modern' | 'legacy', extra: { logLevel?: 'info' } = {}) {
  const client = new Client(
    { name: `gateway-test-${versionNegotiation}`, version: '1' },
    {
      versionNegotiation,
      sampling: async () => sampled,
      elicitation: async () => accepted,
      roots: [{ uri: 'file:///caller', name: 'caller' }],
      ...extra,
    },
  );
  closers.push(() => client.close());
  return client;
}

async function connectErlmcp(versionNegotiation: 'modern' | 'legacy', extra: { logLevel?: 'info' } = {}) {
  const client = erlmcpClient(versionNegotiation, extra);
  await client.connect(new StreamableHttpClientTransport(endpoint.url));
  return client;
}

async function connectV1() {
  const client = new V1Client(
    { name: 'gateway-test-v1', version: '1' },
    { capabilities: { sampling: {}, elicitation: {}, roots: {} } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, async () => sampled);
  client.setRequestHandler(ElicitRequestSchema, async () => accepted);
  const transport = new V1HttpTransport(new URL(endpoint.url));
  await client.connect(transport);
  closers.push(async () => {
    await transport.terminateSession().catch(() => {});
    await client.close();
  });
  return client;
}

async function connectV2(mode: 'legacy' | 'auto') {
  const client = new V2Client(
    { name: `gateway-test-v2-${mode}`, version: '1' },
    { capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} }, versionNegotiation: { mode } },
  );
  client.setRequestHandler('sampling/createMessage', async () => sampled);
  client.setRequestHandler('elicitation/create', async () => accepted);
  await client.connect(new V2HttpTransport(new URL(endpoint.url)));
  closers.push(() => client.close());
  return client;
}

async function gatewayToolNames(): Promise<string[]> {
  const client = erlmcpClient('modern');
  await client.connect(new StreamableHttpClientTransport(endpoint.url));
  try {
    return (await client.listAllTools()).map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

describe('federation: the merged list', () => {
  it('speaks each upstream its own era', () => {
    const eras = Object.fromEntries(gateway.health().map((health) => [health.name, health.protocolVersion]));
    expect(eras).toEqual({ everything: '2025-11-25', erlmcp: '2026-07-28', v1: '2025-11-25' });
  });

  it('lists every upstream tool once under its prefix, across pages', async () => {
    const client = await connectErlmcp('modern');
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await client.listTools(cursor ? { cursor } : {});
      pages.push(result.tools.map((tool) => tool.name));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((page) => page.length <= 10)).toBe(true);
    const names = pages.flat();
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => /^(everything|erlmcp|v1)__/.test(name))).toBe(true);

    // Each upstream's whole list (the erlmcp one paged by 7 upstream) is there, prefixed.
    const direct = new Client({ name: 'direct', version: '1' }, { versionNegotiation: 'modern' });
    await direct.connect(new StreamableHttpClientTransport(erlmcpUpstream.url));
    const erlmcpNames = (await direct.listAllTools()).map((tool) => `erlmcp__${tool.name}`);
    await direct.close();
    expect(erlmcpNames.length).toBeGreaterThan(30);
    expect(names.filter((name) => name.startsWith('erlmcp__')).sort()).toEqual(erlmcpNames.sort());
    expect(names.filter((name) => name.startsWith('v1__')).sort()).toEqual([
      'v1__add',
      'v1__ask_model',
      'v1__ask_name',
      'v1__echo_headers',
    ]);
    expect(names).toEqual(
      expect.arrayContaining([
        'everything__echo',
        'everything__get-sum',
        'everything__trigger-elicitation-request',
        'everything__trigger-sampling-request',
        'everything__trigger-long-running-operation',
      ]),
    );
  });
});

/** One call to each upstream, as every client sees them. */
const calls = [
  { name: 'everything__echo', args: { message: 'via gateway' }, text: 'Echo: via gateway' },
  { name: 'erlmcp__echo', args: { message: 'via gateway' }, text: 'Echo: via gateway' },
  { name: 'v1__add', args: { a: 20, b: 22 }, text: '42' },
];

describe('federation: every client, both eras, each upstream', () => {
  for (const mode of ['modern', 'legacy'] as const) {
    it(`erlmcp client (${mode})`, async () => {
      const client = await connectErlmcp(mode);
      expect(client.protocolVersion).toBe(mode === 'modern' ? '2026-07-28' : '2025-11-25');
      await client.listAllTools();
      for (const { name, args, text } of calls)
        expect(contentText(await client.callTool(name, args))).toBe(text);
      expect((await client.callTool('v1__add', { a: 1, b: 2 })).structuredContent).toEqual({ sum: 3 });
    });
  }

  it('SDK v1 client (2025)', async () => {
    const client = await connectV1();
    for (const { name, args, text } of calls)
      expect(contentText(await client.callTool({ name, arguments: args }))).toBe(text);
  });

  for (const mode of ['legacy', 'auto'] as const) {
    it(`SDK v2 client (${mode === 'legacy' ? '2025' : '2026'})`, async () => {
      const client = await connectV2(mode);
      expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
      for (const { name, args, text } of calls)
        expect(contentText(await client.callTool({ name, arguments: args }))).toBe(text);
    });
  }
});

describe('era bridging: a 2025 upstream asks a 2026 caller', () => {
  it("server-everything's elicitation and sampling reach an erlmcp 2026 client's handlers", async () => {
    const client = await connectErlmcp('modern');
    const elicited = contentText(await client.callTool('everything__trigger-elicitation-request'));
    expect(elicited).toContain('Ada Lovelace');
    expect(elicited).toContain('ada@example.com');
    const sampledText = contentText(
      await client.callTool('everything__trigger-sampling-request', { prompt: 'hello', maxTokens: 10 }),
    );
    expect(sampledText).toContain('sampled by the caller');
    expect(sampledText).toContain('caller-model');
  });

  it("the SDK v1 upstream's elicitation and sampling reach an SDK v2 2026 client", async () => {
    const client = await connectV2('auto');
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(contentText(await client.callTool({ name: 'v1__ask_name' }))).toBe('Hello, Ada Lovelace (accept)');
    expect(contentText(await client.callTool({ name: 'v1__ask_model' }))).toBe(
      'Model said: sampled by the caller',
    );
    const elicited = contentText(await client.callTool({ name: 'everything__trigger-elicitation-request' }));
    expect(elicited).toContain('Ada Lovelace');
  });
});

describe('era bridging: a 2026 upstream asks a 2025 caller', () => {
  it('elicitation, sampling and MRTR tools of the erlmcp upstream, from an SDK v1 client', async () => {
    const client = await connectV1();
    const text = async (name: string, args: Record<string, unknown> = {}) =>
      contentText(await client.callTool({ name, arguments: args }));
    expect(await text('erlmcp__test_elicitation', { message: 'Who are you?' })).toBe(
      `User response: action=accept, content=${JSON.stringify(accepted.content)}`,
    );
    expect(await text('erlmcp__test_sampling', { prompt: 'p' })).toBe('LLM response: sampled by the caller');
    expect(await text('erlmcp__test_input_required_result_elicitation')).toBe('Hello, Ada Lovelace!');
    expect(await text('erlmcp__test_input_required_result_sampling')).toBe(
      'Sampling response: sampled by the caller',
    );
    expect(await text('erlmcp__test_input_required_result_multi_round')).toBe(
      'name=Ada Lovelace, color=teal',
    );
  });

  it('the same from an erlmcp 2025 client', async () => {
    const client = await connectErlmcp('legacy');
    expect(contentText(await client.callTool('erlmcp__test_elicitation', { message: 'm' }))).toContain(
      '"username":"ada"',
    );
    expect(contentText(await client.callTool('erlmcp__test_input_required_result_elicitation'))).toBe(
      'Hello, Ada Lovelace!',
    );
  });
});

describe('era bridging: progress, logging and cancellation', () => {
  it("server-everything's progress reaches a 2026 and a 2025 caller", async () => {
    for (const mode of ['modern', 'legacy'] as const) {
      const client = await connectErlmcp(mode);
      const progress: number[] = [];
      const result = await client.callTool(
        'everything__trigger-long-running-operation',
        { duration: 0.3, steps: 3 },
        { onProgress: (p) => progress.push(p.progress) },
      );
      expect(contentText(result)).toContain('Long running operation completed');
      expect(progress).toEqual([1, 2, 3]);
    }
    const v1 = await connectV1();
    const progress: number[] = [];
    await v1.callTool(
      { name: 'everything__trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(progress).toEqual([1, 2, 3]);
  });

  it("the erlmcp upstream's log messages reach a 2026 and a 2025 caller", async () => {
    const modern = await connectErlmcp('modern', { logLevel: 'info' });
    const modernLogs: unknown[] = [];
    modern.onNotification('notifications/message', (params) => modernLogs.push(params.data));
    await modern.callTool('erlmcp__test_tool_with_logging');
    await waitUntil(() => modernLogs.length === 3, 5000);
    expect(modernLogs).toEqual([
      'Tool execution started',
      'Tool processing data',
      'Tool execution completed',
    ]);

    const v1 = await connectV1();
    const legacyLogs: unknown[] = [];
    v1.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      legacyLogs.push(notification.params.data);
    });
    await v1.setLoggingLevel('info');
    await v1.callTool({ name: 'erlmcp__test_tool_with_logging' });
    await waitUntil(() => legacyLogs.length === 3, 5000);
    expect(legacyLogs).toEqual([
      'Tool execution started',
      'Tool processing data',
      'Tool execution completed',
    ]);
  });

  for (const mode of ['modern', 'legacy'] as const) {
    it(`a slow call cancelled downstream (${mode}) is cancelled upstream`, async () => {
      const ends: RequestEvent[] = [];
      const onEnd = (message: unknown) => {
        const event = message as RequestEvent;
        if (event.target === 'slow') ends.push(event);
      };
      diagnostics_channel.subscribe('erlmcp:request:end', onEnd);
      try {
        const client = await connectErlmcp(mode);
        const abort = new AbortController();
        const started = Date.now();
        const call = client.callTool('erlmcp__slow', { ms: 30_000 }, { signal: abort.signal });
        setTimeout(() => abort.abort('the caller gave up'), 300);
        await expect(call).rejects.toThrow();
        // The upstream's handler stopped (its sleep honours the signal) long before its 30 s.
        await waitUntil(() => ends.length === 1, 10_000);
        expect(ends[0]?.outcome).toBe('cancelled');
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        diagnostics_channel.unsubscribe('erlmcp:request:end', onEnd);
      }
    });
  }
});

describe('the gateway from the command line', () => {
  it('`erlmcp gateway --upstream` federates a stdio command and HTTP URLs', async () => {
    const cli = await startCli(
      [
        '--transport',
        'http',
        '--port',
        '0',
        '--upstream',
        `everything=${process.execPath} ${serverEverything} stdio`,
        '--upstream',
        `erlmcp=${erlmcpUpstream.url}`,
        '--upstream',
        `v1=${v1Upstream.url}`,
      ],
      {},
      'gateway',
    );
    closers.push(() => cli.stop());
    const client = new Client({ name: 'cli-gateway', version: '1' }, { versionNegotiation: 'modern' });
    closers.push(() => client.close());
    await client.connect(new StreamableHttpClientTransport(cli.url));
    for (const { name, args, text } of calls)
      expect(contentText(await client.callTool(name, args))).toBe(text);
  }, 30_000);
});
