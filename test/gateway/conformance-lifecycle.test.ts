/** What a client learns of a pass-through gateway at connect: its upstream's instructions, in both eras. */
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '../../src/server/mcp-server.js';
import { type PassThrough, passThrough } from './conformance-support.js';

let running: PassThrough | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('lifecycle through the gateway', () => {
  it.each(['legacy', 'modern'] as const)('the upstream’s instructions reach a %s client', async (era) => {
    const upstream = new McpServer({
      name: 'upstream',
      version: '1',
      instructions: 'Call echo first.',
      onDiagnostic: () => {},
    });
    upstream.tool('echo', { description: 'echo', handler: () => 'echo' });
    running = await passThrough(upstream);
    const client = await running.client({ versionNegotiation: era });
    expect(client.era).toBe(era);
    expect(client.instructions).toBe('Call echo first.');
  });
});
