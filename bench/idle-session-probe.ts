/**
 * One measurement of the idle-session scenario in a fresh process (so no earlier run's garbage or
 * JIT state counts): warm up on the same handler, force GC, open N sessions, force GC, and print
 * heap and RSS growth per session as one JSON line. Needs `node --expose-gc`.
 * Usage: node --expose-gc dist/bench/idle-session-probe.js --target erlmcp|sdk-v1 --count N
 */
import { parseArgs } from 'node:util';
import { type IdleTarget, idleHandler, openIdleSession } from './lib/idle-handlers.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const { values } = parseArgs({
  options: { target: { type: 'string', default: 'erlmcp' }, count: { type: 'string', default: '1000' } },
});
const count = Number(values.count);
const handler = idleHandler(values.target as IdleTarget);
// Keep the handler reachable after its last use: V8 drops dead locals of a suspended async module
// body, and an SDK handler has no timer holding its sessions, so they would be collected mid-measure.
(globalThis as { idleHandler?: unknown }).idleHandler = handler;

// Warm-up sessions stay open but are outside the measured window: JIT code, inline caches and
// lazily built tables are paid here, not charged to the first N sessions.
for (let i = 0; i < 500; i++) await openIdleSession(handler);
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
};
await settle();
const before = process.memoryUsage();
const started = performance.now();
for (let i = 0; i < count; i++) await openIdleSession(handler);
const seconds = (performance.now() - started) / 1000;
await settle();
const after = process.memoryUsage();
console.log(
  JSON.stringify({
    target: values.target,
    count,
    heapPerSession: (after.heapUsed - before.heapUsed) / count,
    rssPerSession: (after.rss - before.rss) / count,
    externalPerSession: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / count,
    setupPerSecond: count / seconds,
  }),
);
process.exit(0);
