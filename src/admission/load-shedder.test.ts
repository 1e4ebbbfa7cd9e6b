import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadShedder } from './load-shedder.js';

/** Blocks the event loop like a CPU-bound handler would. */
function busyLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** Yields turns of the loop until `condition` holds; bounded so a broken shedder fails the test. */
async function turnsUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(1);
  }
  return true;
}

const shedders: LoadShedder[] = [];
afterEach(() => {
  for (const shedder of shedders.splice(0)) shedder.stop();
});

function shedder(maxDelayMs: number, windowMs: number): LoadShedder {
  const created = new LoadShedder(maxDelayMs, windowMs);
  shedders.push(created);
  return created;
}

describe('LoadShedder', () => {
  it('is not overloaded before it starts, nor on an idle loop', async () => {
    // 250 ms: far above what a busy test machine's idle loop shows in a 20 ms window.
    const watcher = shedder(250, 20);
    expect([watcher.overloaded, watcher.delayMs]).toEqual([false, 0]);
    watcher.start();
    await sleep(120);
    expect(watcher.overloaded).toBe(false);
  });

  it('reports a blocked loop in the first window after it unblocks, then recovers', async () => {
    const watcher = shedder(100, 20);
    watcher.start();
    await sleep(50);
    busyLoop(400);
    // The late interval tick runs in the first timers phase after the block.
    expect(await turnsUntil(() => watcher.overloaded, 1_000)).toBe(true);
    // The block is measured whole (late tick), not as one 10 ms histogram sample.
    expect(watcher.delayMs).toBeGreaterThan(250);
    // A couple of calm windows later the shedder lets work in again and reports a calm loop
    // (2 s: generous for a busy machine).
    expect(await turnsUntil(() => !watcher.overloaded && watcher.delayMs <= 100, 2_000)).toBe(true);
  });

  it('stop() clears the overloaded state and stops sampling; start() is idempotent', async () => {
    const watcher = shedder(50, 20);
    watcher.start();
    watcher.start();
    await sleep(30);
    busyLoop(200);
    expect(await turnsUntil(() => watcher.overloaded, 1_000)).toBe(true);
    watcher.stop();
    expect(watcher.overloaded).toBe(false);
    // One stop() after two start()s stopped it: a new block goes unnoticed.
    busyLoop(200);
    await sleep(80);
    await nextTurn();
    expect(watcher.overloaded).toBe(false);
    // And it can start again.
    watcher.start();
    await sleep(30);
    busyLoop(200);
    expect(await turnsUntil(() => watcher.overloaded, 1_000)).toBe(true);
  });

  it('a threshold of 0 disables shedding on delay', async () => {
    const watcher = shedder(0, 20);
    watcher.start();
    busyLoop(150);
    await sleep(80);
    expect([watcher.overloaded, watcher.delayMs]).toEqual([false, 0]);
  });
});
