/**
 * One target of the list_changed fan-out scenario in its own process (so the other's heap and GC do
 * not weigh on it): opens N sessions, then changes the registry `rounds + 1` times (the first is a
 * warm-up) and prints the ms from each change until all N sessions received it, as one JSON line.
 * Usage: node dist/bench/fanout-probe.js --target erlmcp|sdk-v1 [--sessions 10000] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { erlmcpFanout } from './lib/fanout-erlmcp.js';
import { sdkV1Fanout } from './lib/fanout-sdk-v1.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'erlmcp' },
    sessions: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
  },
});
const sessions = Number(values.sessions);
const started = performance.now();
const target = values.target === 'sdk-v1' ? await sdkV1Fanout(sessions) : await erlmcpFanout(sessions);
const setupSeconds = (performance.now() - started) / 1000;
await target.change(); // warm-up
const rounds: number[] = [];
for (let i = 0; i < Number(values.rounds); i++) {
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the previous round's garbage settle
  rounds.push(await target.change());
}
console.log(
  JSON.stringify({
    target: values.target,
    sessions,
    setupSeconds,
    rounds,
    heapUsed: process.memoryUsage().heapUsed,
  }),
);
process.exit(0);
