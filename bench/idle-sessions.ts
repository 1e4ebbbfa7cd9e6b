/**
 * Memory per idle 2025 session: opens N sessions (initialize + initialized) on the everything server
 * through the in-process Fetch handler (no sockets, so only session state is measured), forces GC,
 * and reports heap and RSS per session. Run with `node --expose-gc dist/bench/idle-sessions.js [N…]`.
 */
import { createServer } from '../examples/everything.js';
import { fetchHandler } from '../src/transports/http/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const URL_BASE = 'http://localhost/mcp';
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'idle', version: '1' } },
});
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

for (const count of counts.length ? counts : [1000, 10_000]) {
  const handler = fetchHandler(createServer(), { sessionIdleMs: 3_600_000 });
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const response = await handler(new Request(URL_BASE, { method: 'POST', headers: HEADERS, body: INIT }));
    const session = response.headers.get('mcp-session-id');
    await response.text();
    if (!session) throw new Error('no session id');
    const ack = await handler(
      new Request(URL_BASE, {
        method: 'POST',
        headers: { ...HEADERS, 'mcp-session-id': session },
        body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      }),
    );
    await ack.text();
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  const heapPer = (after.heapUsed - before.heapUsed) / count;
  const rssPer = (after.rss - before.rss) / count;
  console.log(
    `${count.toLocaleString('en-US')} idle sessions: heap ${Math.round(heapPer)} B/session, RSS ${Math.round(rssPer)} B/session, set-up ${Math.round(count / seconds).toLocaleString('en-US')} sessions/s`,
  );
  await handler.close();
}
