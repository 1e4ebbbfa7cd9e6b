import diagnostics_channel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../client/client.js';
import { McpServer } from '../server/mcp-server.js';
import { createLinkedPair } from '../transports/memory/linked-pair.js';
import type { RefusedEvent, RequestEvent, SessionEvent } from './diagnostics.js';

const subscriptions: [string, (message: unknown) => void][] = [];
function listen<T>(name: string): T[] {
  const seen: T[] = [];
  const listener = (message: unknown) =>
    seen.push(structuredClone({ ...(message as object), params: undefined }) as T);
  diagnostics_channel.subscribe(name, listener);
  subscriptions.push([name, listener]);
  return seen;
}
afterEach(() => {
  for (const [name, listener] of subscriptions.splice(0)) diagnostics_channel.unsubscribe(name, listener);
});

describe('diagnostics_channel events', () => {
  it('reports sessions, requests with their outcome, and refusals', async () => {
    const starts = listen<RequestEvent>('erlmcp:request:start');
    const ends = listen<RequestEvent>('erlmcp:request:end');
    const opened = listen<SessionEvent>('erlmcp:session:open');
    const closed = listen<SessionEvent>('erlmcp:session:close');
    const refused = listen<RefusedEvent>('erlmcp:limit:refused');
    const server = new McpServer({
      name: 's',
      version: '1',
      onDiagnostic: () => {},
      limits: { rate: { perSession: { perSecond: 0.001, burst: 2 } } },
    });
    server.tool('ok', { handler: () => 'fine' });
    server.tool('broken', {
      handler: () => {
        throw new Error('nope');
      },
    });
    const [clientSide, serverSide] = createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'probe', version: '1' }, { versionNegotiation: 'legacy' });
    await client.connect(clientSide);
    await client.callTool('ok');
    await client.callTool('broken');
    await expect(client.callTool('ok')).rejects.toThrow(/Rate limit/);
    await client.close();
    await server.close();

    expect(opened).toEqual([
      {
        sessionId: expect.any(String),
        transport: 'memory',
        protocolVersion: '2025-11-25',
        clientName: 'probe',
        principal: undefined,
      },
    ]);
    expect(closed.map((event) => event.sessionId)).toEqual([opened[0]?.sessionId]);
    expect(starts.map((event) => `${event.method}:${event.target}`)).toEqual([
      'tools/call:ok',
      'tools/call:broken',
    ]);
    expect(ends.map((event) => [event.target, event.outcome, event.era, event.transport])).toEqual([
      ['ok', 'ok', 'legacy', 'memory'],
      ['broken', 'tool_error', 'legacy', 'memory'],
    ]);
    expect(ends.every((event) => typeof event.durationMs === 'number' && event.durationMs >= 0)).toBe(true);
    expect(refused).toEqual([
      { method: 'tools/call', reason: 'rate_limited', limit: 'rate.perSession', transport: 'memory' },
    ]);
  });
});
