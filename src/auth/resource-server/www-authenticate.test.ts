import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../../test/support/local-issuer.js';
import { bearerChallenge } from './www-authenticate.js';

describe('bearerChallenge', () => {
  it('is the bare scheme without parameters, and leaves out empty or undefined ones', () => {
    expect(bearerChallenge({})).toBe('Bearer');
    expect(bearerChallenge({ scope: '', error: undefined })).toBe('Bearer');
    expect(bearerChallenge({ error: 'invalid_token', scope: '' })).toBe('Bearer error="invalid_token"');
  });

  it('quotes every value, in the order given', () => {
    const header = bearerChallenge({
      error: 'insufficient_scope',
      scope: 'files:read files:write',
      resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    });
    expect(header).toBe(
      'Bearer error="insufficient_scope", scope="files:read files:write", ' +
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
    );
    expect(parseChallenge(header)).toEqual({
      scheme: 'Bearer',
      params: {
        error: 'insufficient_scope',
        scope: 'files:read files:write',
        resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
      },
    });
  });

  it('escapes quotes and backslashes so a value cannot break out of its quoted string', () => {
    const hostile = 'bad" error="forged\\';
    const header = bearerChallenge({ error_description: hostile, error: 'invalid_token' });
    expect(header).toBe('Bearer error_description="bad\\" error=\\"forged\\\\", error="invalid_token"');
    expect(parseChallenge(header).params).toEqual({ error_description: hostile, error: 'invalid_token' });
  });

  it('drops control characters (no header splitting)', () => {
    const header = bearerChallenge({ error_description: 'line\r\nX-Injected: 1\u0000\u007f' });
    expect(header).toBe('Bearer error_description="lineX-Injected: 1"');
    expect(header).not.toMatch(/[\r\n]/);
  });
});
