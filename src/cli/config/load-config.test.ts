import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_TMP_ENV } from '../../../test/support/global-setup.js';
import { ENVIRONMENT_KEYS } from './environment.js';
import { envName, loadConfig } from './load-config.js';

function configFile(value: unknown): string {
  // Inside the test run's temporary directory, removed when the run ends.
  const path = join(
    mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), 'erlmcp-config-')),
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

  it('reads every object key from the environment as JSON, merged like the config file', () => {
    const file = configFile({
      limits: { maxSessions: 50, rate: { perIp: { perSecond: 10, burst: 20 } } },
      http: { metricsPath: '/prom' },
    });
    const config = loadConfig(
      { module: 'm.js', config: file },
      {
        ERLMCP_LIMITS_RATE: '{"perSession":false}',
        ERLMCP_LIMITS: '{"maxInFlight":7,"rate":{"perPrincipal":false}}',
        ERLMCP_HTTP: '{"healthPaths":false}',
        ERLMCP_TLS: '{"cert":"c.pem","key":"k.pem"}',
      },
    );
    expect(config.limits).toEqual({
      maxSessions: 50,
      maxInFlight: 7,
      rate: { perSession: false, perPrincipal: false, perIp: { perSecond: 10, burst: 20 } },
    });
    expect(config.http).toEqual({ metricsPath: '/prom', healthPaths: false });
    expect(config.tls).toEqual({ cert: 'c.pem', key: 'k.pem' });
  });

  it('lets a more specific variable win over its object, and flags over both', () => {
    const config = loadConfig(
      { module: 'm.js', limits: { maxSessions: 3 } },
      {
        ERLMCP_LIMITS: '{"maxInFlight":7,"maxSessions":8}',
        ERLMCP_LIMITS_MAX_IN_FLIGHT: '9',
        ERLMCP_LIMITS_RATE_PER_SESSION: '{"perSecond":1,"burst":2}',
        ERLMCP_LIMITS_RATE: '{"perSession":false}',
      },
    );
    expect(config.limits).toEqual({
      maxInFlight: 9,
      maxSessions: 3,
      rate: { perSession: { perSecond: 1, burst: 2 } },
    });
  });

  it('refuses an object variable it cannot apply, naming the key and the variable', () => {
    const load = (env: Record<string, string>) => () => loadConfig({ module: 'm.js' }, env);
    expect(load({ ERLMCP_LIMITS_RATE: 'perSession=false' })).toThrow(
      /limits\.rate is not valid JSON \(from environment ERLMCP_LIMITS_RATE\)/,
    );
    expect(load({ ERLMCP_LIMITS_RATE: 'false' })).toThrow(
      /limits\.rate must be a JSON object \(from environment ERLMCP_LIMITS_RATE\)/,
    );
    expect(load({ ERLMCP_HTTP: '["/m"]' })).toThrow(
      /http must be a JSON object \(from environment ERLMCP_HTTP\)/,
    );
    expect(load({ ERLMCP_LIMITS_RATE: '{"perSesion":false}' })).toThrow(
      /limits\.rate\.perSesion is not an allowed property \(from environment ERLMCP_LIMITS_RATE\); did you mean "perSession"\?/,
    );
    expect(load({ ERLMCP_LIMITS: '{"rate":{"perSession":{"perSecond":1}}}' })).toThrow(
      /limits\.rate\.perSession .*\(from environment ERLMCP_LIMITS\)/,
    );
    expect(load({ ERLMCP_LIMITS: '{"__proto__":{"maxInFlight":1}}' })).toThrow(
      /limits\.__proto__ is not an allowed property \(from environment ERLMCP_LIMITS\)/,
    );
  });

  it('refuses an ERLMCP_ variable that names no key, suggesting the likely one', () => {
    expect(() => loadConfig({ module: 'm.js' }, { ERLMCP_LIMITS_MAX_INFLIGHT: '5' })).toThrow(
      /ERLMCP_LIMITS_MAX_INFLIGHT \(did you mean ERLMCP_LIMITS_MAX_IN_FLIGHT\?\) names no configuration key/,
    );
    expect(() => loadConfig({ module: 'm.js' }, { ERLMCP_WIBBLE: '1', ERLMCP_LIMIT_RATE: '{}' })).toThrow(
      /ERLMCP_LIMIT_RATE \(did you mean ERLMCP_LIMITS_RATE\?\), ERLMCP_WIBBLE name no configuration key/,
    );
    // The config file's variable and the cluster's own are not keys, and are not refused.
    const file = configFile({ port: 4000 });
    expect(
      loadConfig({ module: 'm.js' }, { ERLMCP_CONFIG: file, ERLMCP_CLUSTER_SECRET: 'abc', OTHER_THING: 'x' })
        .port,
    ).toBe(4000);
  });

  it('gives every key of the schema its own variable, objects included', () => {
    const names = ENVIRONMENT_KEYS.map((key) => key.name);
    expect(new Set(names).size).toBe(names.length);
    expect(ENVIRONMENT_KEYS.filter((key) => key.object).map((key) => key.name)).toEqual([
      'ERLMCP_TLS',
      'ERLMCP_REDIS',
      'ERLMCP_AUTH',
      'ERLMCP_HTTP',
      'ERLMCP_LIMITS',
      'ERLMCP_AUTH_INTROSPECTION',
      'ERLMCP_LIMITS_RATE',
    ]);
    // Objects with required keys (certificate files, the issuer, introspection credentials) refuse `{}`.
    const required = ['ERLMCP_TLS', 'ERLMCP_REDIS', 'ERLMCP_AUTH', 'ERLMCP_AUTH_INTROSPECTION'];
    for (const key of ENVIRONMENT_KEYS.filter((key) => key.object && !required.includes(key.name)))
      expect(() => loadConfig({ module: 'm.js' }, { [key.name]: '{}' })).not.toThrow();
  });

  it('takes the Redis URL from ERLMCP_REDIS_URL and refuses one that is not redis://', () => {
    expect(
      loadConfig({ module: 'm.js', transport: 'http' }, { ERLMCP_REDIS_URL: 'redis://r:6380' }).redis,
    ).toEqual({
      url: 'redis://r:6380',
    });
    expect(() => loadConfig({ module: 'm.js' }, { ERLMCP_REDIS_URL: 'http://r:6380' })).toThrow(/redis/);
  });

  it('takes the OAuth settings from the environment too', () => {
    const config = loadConfig(
      { module: 'm.js', transport: 'http' },
      {
        ERLMCP_AUTH_ISSUER: 'https://idp.example.com',
        ERLMCP_AUTH_REQUIRED_SCOPES: '["mcp:use"]',
        ERLMCP_AUTH_INTROSPECTION_CLIENT_ID: 'rs',
        ERLMCP_AUTH_INTROSPECTION_CLIENT_SECRET: 's3cret',
      },
    );
    expect(config.auth).toEqual({
      issuer: 'https://idp.example.com',
      requiredScopes: ['mcp:use'],
      introspection: { clientId: 'rs', clientSecret: 's3cret' },
    });
    expect(() => loadConfig({ module: 'm.js' }, { ERLMCP_AUTH_ISSUER: 'idp.example.com' })).toThrow(
      /auth\.issuer must match pattern/,
    );
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
      new RegExp(
        `limits\\.maxInFlihgt is not an allowed property \\(from ${file}\\); did you mean "maxInFlight"\\?`,
      ),
    );
    expect(() => loadConfig({ module: 'm.js', transport: 'carrier-pigeon' }, {})).toThrow(
      /transport must be one of "stdio", "http", "ws", "tcp" \(from flags\)$/,
    );
    expect(() => loadConfig({ module: 'm.js' }, { ERLMCP_HTTP_RESPONSE_MODE: 'jsno' })).toThrow(
      /http\.responseMode must be one of "auto", "json", "sse" \(from environment ERLMCP_HTTP_RESPONSE_MODE\); did you mean "json"\?/,
    );
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
