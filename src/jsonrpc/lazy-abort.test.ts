import { describe, expect, it } from 'vitest';
import { LazyAbort } from './lazy-abort.js';

describe('LazyAbort', () => {
  it('tells onAbort listeners once, without creating the signal, and lets them go', () => {
    const abort = new LazyAbort();
    const heard: unknown[] = [];
    const stop = abort.onAbort((reason) => heard.push(['kept', reason]));
    const removed = abort.onAbort((reason) => heard.push(['removed', reason]));
    removed();
    abort.abort('why');
    abort.abort('again');
    expect(heard).toEqual([['kept', 'why']]);
    stop();
    // A listener added after the abort hears it at once.
    abort.onAbort((reason) => heard.push(['late', reason]));
    expect(heard).toEqual([
      ['kept', 'why'],
      ['late', 'why'],
    ]);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe('why');
  });
});
