import { describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadlines', () => {
  it('fires expired entries in order, skips removed ones, and re-arms for later ones', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const now = Date.now();
    deadlines.add(now + 40, () => fired.push('b'));
    deadlines.add(now + 10, () => fired.push('a'));
    const removed = deadlines.add(now + 20, () => fired.push('removed'));
    deadlines.remove(removed);
    await wait(25);
    expect(fired).toEqual(['a']);
    await wait(40);
    expect(fired).toEqual(['a', 'b']);
    expect(deadlines.size).toBe(0);
  });

  it('honours a deadline moved later or earlier', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const now = Date.now();
    const later = deadlines.add(now + 10, () => fired.push('later'));
    const earlier = deadlines.add(now + 500, () => fired.push('earlier'));
    deadlines.update(later, now + 60);
    deadlines.update(earlier, now + 20);
    await wait(35);
    expect(fired).toEqual(['earlier']);
    await wait(50);
    expect(fired).toEqual(['earlier', 'later']);
  });
});
