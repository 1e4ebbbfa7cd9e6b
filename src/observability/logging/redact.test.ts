import { describe, expect, it } from 'vitest';
import { CENSOR, censorSecrets } from './redact.js';

describe('censorSecrets', () => {
  it('censors secret-named keys at any depth, in arrays, and credential values', () => {
    const input = {
      access_token: 'a',
      clientSecret: 'b',
      API_KEY: 'c',
      'api-key': 'd',
      items: [{ refreshToken: 'e' }, 'Basic dXNlcjpwYXNz', 'plain'],
      count: 3,
    };
    expect(censorSecrets(input)).toEqual({
      access_token: CENSOR,
      clientSecret: CENSOR,
      API_KEY: CENSOR,
      'api-key': CENSOR,
      items: [{ refreshToken: CENSOR }, CENSOR, 'plain'],
      count: 3,
    });
    expect(input.access_token).toBe('a');
  });

  it('summarises what is too deep', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 10; i++) deep = { next: deep };
    expect(JSON.stringify(censorSecrets(deep))).toContain('"[Object]"');
  });
});
