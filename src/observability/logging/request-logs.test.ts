import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOverMemory } from '../../../test/support/memory-client.js';
import { Client } from '../../client/client.js';
import { serveHttp } from '../../serve/serve-http.js';
import { McpServer } from '../../server/mcp-server.js';
import { StreamableHttpClientTransport } from '../../transports/http/client-transport.js';
import { enableTracing } from '../tracing/enable-tracing.js';
import { enableRequestLogs, logLine } from './request-logs.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A pino logger writing into memory: every line, raw and parsed. */
function capture() {
  const raw: string[] = [];
  const logger = pino({ base: null, timestamp: false }, { write: (line: string) => raw.push(line) });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function newServer(): McpServer {
  const server = new McpServer({
    name: 'logged',
    version: '1',
    onDiagnostic: () => {},
    requestTimeoutMs: 50,
  });
  server.tool('echo', { handler: () => 'echoed' });
  server.tool('fails', {
    handler: () => {
      throw new Error('boom');
    },
  });
  server.tool('hangs', { handler: () => new Promise<string>(() => {}) });
  return server;
}

const overMemory = () => clientOverMemory(newServer(), cleanups);

const SECRET_ARGUMENTS = {
  Authorization: 'Bearer auth-secret',
  token: 'token-secret',
  nested: { apiKey: 'key-secret', 'x-api-key': 'key2-secret', password: 'password-secret' },
  forwarded: 'Bearer forwarded-secret',
  card: { number: '4111111111111111', holder: 'Ada' },
  city: 'Paris',
};

describe('request logs', () => {
  it('writes one line per request with its fields, at info', async () => {
    const { logger, lines } = capture();
    cleanups.push(enableRequestLogs({ logger }));
    const client = await overMemory();
    await client.callTool('echo', SECRET_ARGUMENTS);
    expect(lines()).toEqual([
      {
        level: 30,
        msg: 'tools/call echo',
        method: 'tools/call',
        target: 'echo',
        era: 'legacy',
        protocolVersion: '2025-11-25',
        transport: 'memory',
        durationMs: expect.any(Number),
        outcome: 'ok',
        sessionId: expect.any(String),
      },
    ]);
  });

  it('logs tool errors and refused requests at warn, internal errors (a timeout) at error', async () => {
    const { logger, lines } = capture();
    cleanups.push(enableRequestLogs({ logger }));
    const client = await overMemory();
    await client.callTool('fails');
    await expect(client.request('bogus/method')).rejects.toThrow(/Method not found/);
    await expect(client.callTool('hangs')).rejects.toThrow(/timed out/);
    expect(lines().map(({ level, msg, outcome, errorCode }) => ({ level, msg, outcome, errorCode }))).toEqual(
      [
        { level: 40, msg: 'tools/call fails', outcome: 'tool_error', errorCode: undefined },
        { level: 40, msg: 'bogus/method', outcome: 'error', errorCode: -32601 },
        { level: 50, msg: 'tools/call hangs', outcome: 'error', errorCode: -32603 },
      ],
    );
  });

  it('logs arguments only when asked, with secrets and configured paths censored', async () => {
    const { logger, raw, lines } = capture();
    cleanups.push(enableRequestLogs({ logger, logArguments: true, redact: ['arguments.card.number'] }));
    const client = await overMemory();
    await client.callTool('echo', SECRET_ARGUMENTS);
    expect(lines()[0]?.arguments).toEqual({
      Authorization: '[REDACTED]',
      token: '[REDACTED]',
      nested: { apiKey: '[REDACTED]', 'x-api-key': '[REDACTED]', password: '[REDACTED]' },
      forwarded: '[REDACTED]',
      card: { number: '[REDACTED]', holder: 'Ada' },
      city: 'Paris',
    });
    expect(raw.join('')).not.toMatch(/-secret|4111/);
  });

  it('never logs the HTTP Authorization header; adds trace ids when a span exists', async () => {
    const { logger, raw, lines } = capture();
    cleanups.push(enableRequestLogs({ logger, level: 'debug' }));
    cleanups.push(enableTracing({ tracer: new BasicTracerProvider().getTracer('test') }));
    const handle = await serveHttp(newServer(), { host: '127.0.0.1', port: 0, httpSse: false });
    cleanups.push(() => handle.destroy());
    const client = new Client({ name: 'probe', version: '1' }, { versionNegotiation: 'modern' });
    await client.connect(
      new StreamableHttpClientTransport(handle.url, { headers: { authorization: 'Bearer http-secret' } }),
    );
    cleanups.push(() => client.close());
    await client.callTool('echo');
    const line = lines().find((entry) => entry.method === 'tools/call');
    expect(line).toMatchObject({
      era: 'modern',
      protocolVersion: '2026-07-28',
      transport: 'http',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(line?.sessionId).toBeUndefined();
    expect(raw.join('')).not.toContain('http-secret');
  });

  it('carries the principal and error code of the event', () => {
    const line = logLine(
      {
        id: 3,
        method: 'resources/read',
        target: 'file:///a',
        era: 'modern',
        transport: 'https',
        sessionId: undefined,
        principal: 'CN=agent-7',
        params: { uri: 'file:///a', arguments: { token: 't' } },
        startedAt: 0,
        durationMs: 1.23456,
        outcome: 'error',
        errorCode: -32002,
      },
      false,
    );
    expect(line).toEqual({
      method: 'resources/read',
      target: 'file:///a',
      era: 'modern',
      transport: 'https',
      durationMs: 1.235,
      outcome: 'error',
      errorCode: -32002,
      principal: 'CN=agent-7',
    });
  });

  it('logs nothing when off or disposed', async () => {
    const { logger, raw } = capture();
    const client = await overMemory();
    await client.callTool('echo');
    const dispose = enableRequestLogs({ logger });
    await client.callTool('echo');
    dispose();
    dispose();
    await client.callTool('echo');
    expect(raw).toHaveLength(1);
  });
});
