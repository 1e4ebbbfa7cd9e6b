import { describe, expect, it } from 'vitest';
import { bearerChallenge, parseWwwAuthenticate } from './www-authenticate.js';

describe('WWW-Authenticate', () => {
  it('reads several challenges, quoted strings with escapes, token values and token68', () => {
    expect(
      parseWwwAuthenticate(
        'Basic dXNlcjpwYXNz==, DPoP algs="ES256 PS256", Bearer realm="a \\"b\\"",error=insufficient_scope, scope="x y"',
      ),
    ).toEqual([
      { scheme: 'basic', params: {} },
      { scheme: 'dpop', params: { algs: 'ES256 PS256' } },
      { scheme: 'bearer', params: { realm: 'a "b"', error: 'insufficient_scope', scope: 'x y' } },
    ]);
  });

  it('gives the Bearer challenge of a 401 or 403', () => {
    expect(
      bearerChallenge(
        'Bearer error="insufficient_scope", scope="files:write", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
      ),
    ).toEqual({
      error: 'insufficient_scope',
      scope: 'files:write',
      resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource',
    });
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(bearerChallenge(null)).toBeUndefined();
  });
});
