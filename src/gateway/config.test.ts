import { describe, expect, it } from 'vitest';
import { expandEnv, GatewayConfigError, parseGatewayConfig, upstreamFromFlag } from './config.js';

describe('gateway configuration', () => {
  it('takes stdio and URL upstreams, and names the key at fault otherwise', () => {
    const config = parseGatewayConfig({
      upstreams: {
        everything: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] },
        weather: { url: 'https://weather.example/mcp', headers: { 'x-api-key': 'k' } },
      },
      naming: 'auto',
    });
    expect(Object.keys(config.upstreams)).toEqual(['everything', 'weather']);
    const bad = (value: unknown) => () => parseGatewayConfig(value);
    expect(bad({ upstreams: {} })).toThrow(/at least one upstream/);
    expect(bad({ upstreams: { a: { command: 'x', url: 'http://h/' } } })).toThrow(/either "command"/);
    expect(bad({ upstreams: { a: { url: 'not a url' } } })).toThrow(/upstreams\.a\.url is not a URL/);
    expect(bad({ upstreams: { a: { url: 'http://h/', pool: 3 } } })).toThrow(
      /upstreams\.a\.pool is not a gateway setting/,
    );
    expect(bad({ upstreams: { 'a b': { url: 'http://h/' } } })).toThrow(GatewayConfigError);
    expect(bad({ upstreams: { a: { url: 'http://h/' } }, naming: 'flat' })).toThrow(/naming must be/);
    expect(bad({ upstreams: { a: { command: 'x', headers: { a: 'b' } } } })).toThrow(/credentials from env/);
  });

  it('says token exchange is not implemented instead of ignoring it', () => {
    expect(() =>
      parseGatewayConfig({ upstreams: { a: { url: 'http://h/', auth: { tokenExchange: {} } } } }),
    ).toThrow(/token exchange \(RFC 8693\) is not implemented/);
  });

  it('reads --upstream NAME=URL and NAME=COMMAND', () => {
    expect(upstreamFromFlag('w=https://h/mcp')).toEqual(['w', { url: 'https://h/mcp' }]);
    expect(upstreamFromFlag('e=npx -y server')).toEqual(['e', { command: 'npx', args: ['-y', 'server'] }]);
    expect(() => upstreamFromFlag('=x')).toThrow(/NAME=URL/);
    expect(() => upstreamFromFlag('x=')).toThrow(/NAME=URL/);
  });

  it('expands $-brace NAME placeholders from the environment and refuses a missing one', () => {
    const placeholder = (name: string) => `$${'{'}${name}}`;
    expect(expandEnv(`Bearer ${placeholder('TOKEN')}`, { TOKEN: 't' })).toBe('Bearer t');
    expect(() => expandEnv(placeholder('MISSING_ONE'), {})).toThrow(/MISSING_ONE is not set/);
  });
});
