import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName, loadConfig } from './load-config.js';

function configFile(value: unknown): string {
  // Inside the test run's temporary directory, removed when the run ends.
  const path = join(
    mkdtempSync(join(process.env.ERLMCP_TEST_TMP ?? tmpdir(), 'erlmcp-config-')),
    'erlmcp.json',
  );
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('loadConfig', () => {
  it('layers defaults < file < environment < flags', () => {
    const file = configFile({ port: 4000, workers: 2, limits: { maxInFlight: 100, maxSessions: 50 } });
    const config = loadConfig(
      { module: 'server.js', config: file, port: 5000, host: undefined },
      { ERLMCP_LIMITS_MAX_IN_FLIGHT: '200', ERLMCP_HTTP_SESSION_IDLE_MS: '1000', ERLMCP_HOST: '0.0.0.0' },
    );
    expect(config).toMatchObject({
      module: 'server.js',
      transport: 'stdio',
      host: '0.0.0.0',
      port: 5000,
      path: '/mcp',
      workers: 2,
      http: { sessionIdleMs: 1000 },
      limits: { maxInFlight: 200, maxSessions: 50 },
    });
  });

  it('reads rate limits and `false` from the environment as JSON', () => {
    const config = loadConfig(
      { module: 'm.js' },
      {
        ERLMCP_LIMITS_RATE_PER_SESSION: 'false',
        ERLMCP_LIMITS_RATE_PER_IP: '{"perSecond":10,"burst":20}',
      },
    );
    expect(config.limits.rate).toEqual({ perSession: false, perIp: { perSecond: 10, burst: 20 } });
  });

  it('names the key and the layer of a bad value', () => {
    expect(() => loadConfig({ module: 'm.js' }, { ERLMCP_LIMITS_MAX_IN_FLIGHT: '0' })).toThrow(
      /limits\.maxInFlight must be >= 1 \(from environment ERLMCP_LIMITS_MAX_IN_FLIGHT\)/,
    );
    expect(() => loadConfig({ module: 'm.js', port: Number('abc') }, {})).toThrow(
      /port must be integer \(from flags\)/,
    );
    const file = configFile({ limits: { maxInFlihgt: 5 } });
    expect(() => loadConfig({ module: 'm.js', config: file }, {})).toThrow(
      new RegExp(`limits\\.maxInFlihgt is not an allowed property \\(from ${file}\\)`),
    );
    expect(() => loadConfig({ module: 'm.js', transport: 'carrier-pigeon' }, {})).toThrow(/transport/);
  });

  it('rejects unreadable or non-object files and a missing module', () => {
    expect(() => loadConfig({ module: 'm.js', config: '/nonexistent/erlmcp.json' }, {})).toThrow(
      /Cannot read config file/,
    );
    expect(() => loadConfig({ module: 'm.js', config: configFile('[1]') }, {})).toThrow(/not a JSON object/);
    expect(() => loadConfig({}, {})).toThrow(/module is required/);
  });

  it('derives environment names from config keys', () => {
    expect(envName(['limits', 'maxInFlightPerSession'])).toBe('ERLMCP_LIMITS_MAX_IN_FLIGHT_PER_SESSION');
    expect(envName(['http', 'maxSseBufferBytes'])).toBe('ERLMCP_HTTP_MAX_SSE_BUFFER_BYTES');
  });
});
