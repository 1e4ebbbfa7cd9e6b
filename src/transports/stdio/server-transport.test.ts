import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FrameError } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import { StdioServerTransport } from './server-transport.js';

function setup(maxMessageBytes?: number) {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new StdioServerTransport({
    input,
    output,
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
  });
  const received: unknown[] = [];
  const errors: FrameError[] = [];
  let closes = 0;
  transport.start({
    onMessage: (value) => received.push(value),
    onFrameError: (error) => errors.push(error),
    onClose: () => closes++,
  });
  let written = '';
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
  });
  return { input, transport, received, errors, closes: () => closes, written: () => written };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('StdioServerTransport', () => {
  it('reads messages and writes one line per message, coalescing a tick into one write', async () => {
    const { input, transport, received, written } = setup();
    input.write('{"jsonrpc":"2.0","method":"a"}\n');
    await tick();
    expect(received).toEqual([{ jsonrpc: '2.0', method: 'a' }]);
    transport.send({ jsonrpc: '2.0', method: 'x' });
    transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    await tick();
    await tick();
    expect(written().split('\n')).toEqual([
      '{"jsonrpc":"2.0","method":"x"}',
      '{"jsonrpc":"2.0","id":1,"result":{}}',
      '',
    ]);
  });

  it('reports an oversize line and keeps reading', async () => {
    const { input, received, errors } = setup(32);
    input.write(`{"jsonrpc":"2.0","method":"${'z'.repeat(64)}"}\n{"n":1}\n`);
    await tick();
    expect(errors.map((e) => e.kind)).toEqual(['message_too_large']);
    expect(received).toEqual([{ n: 1 }]);
  });

  it('closes once when input ends, then refuses to send', async () => {
    const { input, transport, closes } = setup();
    input.end();
    await tick();
    await transport.close();
    expect(closes()).toBe(1);
    expect(() => transport.send({ jsonrpc: '2.0', method: 'late' })).toThrow(ErlmcpError);
    try {
      transport.send({ jsonrpc: '2.0', method: 'late' });
    } catch (error) {
      expect((error as ErlmcpError).code).toBe('ERR_CONNECTION_CLOSED');
    }
  });
});

describe('StdioServerTransport backpressure', () => {
  it('stops reading stdin while the client does not read stdout, and resumes once it does', async () => {
    const input = new PassThrough();
    const output = new PassThrough({ highWaterMark: 1024 });
    const transport = new StdioServerTransport({ input, output, maxBufferedBytes: 4096 });
    const received: unknown[] = [];
    transport.start({
      onMessage: (value) => received.push(value),
      onFrameError: () => {},
      onClose: () => {},
    });
    for (let i = 0; i < 10; i++)
      transport.send({ jsonrpc: '2.0', method: 'big', params: { pad: 'x'.repeat(1000) } });
    await tick();
    expect(input.isPaused()).toBe(true);
    input.write('{"jsonrpc":"2.0","method":"queued"}\n');
    await tick();
    expect(received).toEqual([]);
    output.resume(); // the client reads: the buffer drains and stdin is read again
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(input.isPaused()).toBe(false);
    expect(received).toEqual([{ jsonrpc: '2.0', method: 'queued' }]);
    await transport.close();
  });
});
