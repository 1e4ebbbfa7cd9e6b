import { afterEach, describe, expect, it } from 'vitest';
import {
  type CliServer,
  MODERN_HEADERS,
  modernToolCall,
  postOnFreshConnection,
  startCli,
} from '../support/cli-process.js';

const FIXTURE = 'test/fixtures/slow-server.mjs';

describe('erlmcp serve: configuration from the environment', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('applies an object given as JSON in a variable', async () => {
    server = await startCli([FIXTURE, '--transport', 'http', '--port', '0'], {
      ERLMCP_LIMITS_RATE: '{"perIp":{"perSecond":0.01,"burst":2}}',
    });
    const call = (id: number) =>
      postOnFreshConnection(
        server!.url,
        { ...MODERN_HEADERS, 'mcp-method': 'tools/call', 'mcp-name': 'whoami' },
        modernToolCall(id, 'whoami'),
      );
    expect((await call(1)).status).toBe(200);
    expect((await call(2)).status).toBe(200);
    const third = await call(3);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: -32011, data: { reason: 'rate_limited' } });
  });

  it('refuses to start on a variable that names no key', async () => {
    await expect(
      startCli([FIXTURE, '--transport', 'http', '--port', '0'], { ERLMCP_LIMITS_MAX_INFLIGHT: '5' }),
    ).rejects.toThrow(/ERLMCP_LIMITS_MAX_INFLIGHT \(did you mean ERLMCP_LIMITS_MAX_IN_FLIGHT\?\)/);
  });
});
