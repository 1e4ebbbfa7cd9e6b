import { describe, expect, it } from 'vitest';
import { lastVerdict } from './last-verdict.js';

describe('lastVerdict', () => {
  it('runs the check again whenever the value changes, and only then', () => {
    const seen: (string | undefined)[] = [];
    const allowed = lastVerdict((host: string | undefined) => {
      seen.push(host);
      return host === 'localhost';
    });
    expect(allowed('localhost')).toBe(true);
    expect(allowed('localhost')).toBe(true);
    expect(allowed('evil.example')).toBe(false);
    expect(allowed(undefined)).toBe(false);
    expect(allowed('localhost')).toBe(true);
    expect(seen).toEqual(['localhost', 'evil.example', undefined, 'localhost']);
  });

  it('checks undefined on first sight instead of taking the initial answer', () => {
    const allowed = lastVerdict((value: string | undefined) => value === undefined);
    expect(allowed(undefined)).toBe(true);
  });
});
