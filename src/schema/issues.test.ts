import { describe, expect, it } from 'vitest';
import { formatIssues } from './index.js';
import { pointerToken } from './issues.js';

describe('formatIssues', () => {
  it('joins "field: message" pairs into one line', () => {
    expect(
      formatIssues([
        { path: '/a', message: 'Expected string, received number' },
        { path: '/b', message: 'Required' },
      ]),
    ).toBe('a: Expected string, received number; b: Required');
  });

  it('shows nested paths without the leading slash and root issues bare', () => {
    expect(formatIssues([{ path: '/a/0/b', message: 'is required' }])).toBe('a/0/b: is required');
    expect(formatIssues([{ path: '', message: 'must be object' }])).toBe('must be object');
    expect(formatIssues([])).toBe('');
  });

  it('bounds the line however many issues there are', () => {
    const issues = Array.from({ length: 25 }, (_, i) => ({ path: `/${i}`, message: 'bad' }));
    const line = formatIssues(issues);
    expect(line.split('; ')).toHaveLength(11);
    expect(line.endsWith('9: bad; and 15 more')).toBe(true);
  });
});

describe('pointerToken', () => {
  it('escapes ~ and / as RFC 6901 requires', () => {
    expect(pointerToken('plain')).toBe('plain');
    expect(pointerToken('a/b~c')).toBe('a~1b~0c');
  });
});
