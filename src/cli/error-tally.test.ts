import { describe, expect, it } from 'vitest';
import { ErrorTally } from './error-tally.js';

describe('ErrorTally', () => {
  it('counts each distinct message, most frequent first', () => {
    const tally = new ErrorTally();
    for (const message of ['b', 'a', 'b', 'c', 'b', 'a']) tally.add(message);
    expect(tally.total).toBe(6);
    expect(tally.reasons()).toEqual([
      { message: 'b', count: 3 },
      { message: 'a', count: 2 },
      { message: 'c', count: 1 },
    ]);
  });

  it('keeps twenty messages and counts the rest together, last', () => {
    const tally = new ErrorTally();
    for (let i = 0; i < 25; i++) tally.add(`request ${i} failed`);
    for (let i = 0; i < 3; i++) tally.add('request 0 failed');
    const reasons = tally.reasons();
    expect(reasons).toHaveLength(21);
    expect(reasons[0]).toEqual({ message: 'request 0 failed', count: 4 });
    expect(reasons.at(-1)).toEqual({ message: '(other messages)', count: 5 });
    expect(tally.total).toBe(28);
  });
});
