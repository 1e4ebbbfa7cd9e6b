/**
 * A network failure of an HTTP POST is a transport failure, not a server's answer: the caller gets
 * a local ErlmcpError and a circuit breaker counts it (a dead 2026 upstream has no connection to lose,
 * so failing calls are the only sign).
 */
import { describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { CircuitBreaker } from '../../src/client/resilience/circuit-breaker.js';
import { StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { ErlmcpError, McpError } from '../../src/jsonrpc/errors.js';

describe('HTTP client transport failures', () => {
  it('reject locally and open the breaker once the server is gone', async () => {
    const http = await serveHttp(createServer(), { port: 0 });
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 60_000 });
    const client = new Client(
      { name: 'breaker', version: '1' },
      { versionNegotiation: 'modern', circuitBreaker: breaker },
    );
    await client.connect(new StreamableHttpClientTransport(http.url));
    try {
      await client.callTool('echo', { message: 'up' });
      await http.close();
      for (let i = 0; i < 2; i++) {
        const failure = await client.callTool('echo', { message: 'down' }).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ErlmcpError);
        expect(failure).not.toBeInstanceOf(McpError);
        expect((failure as ErlmcpError).message).toMatch(/HTTP request failed/);
      }
      expect(breaker.state).toBe('open');
      const fast = await client.callTool('echo', { message: 'open' }).catch((error: unknown) => error);
      expect((fast as ErlmcpError).code).toBe('ERR_CIRCUIT_OPEN');
    } finally {
      await client.close();
    }
  });
});
