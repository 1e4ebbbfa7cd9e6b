import { describe, expect, it } from 'vitest';
import type { MessageSink } from '../../core/transport.js';
import { createLinkedPair } from './linked-pair.js';

function sink() {
  const received: unknown[] = [];
  let closed = 0;
  const value: MessageSink = {
    onMessage: (m) => received.push(m),
    onFrameError: () => {},
    onClose: () => closed++,
  };
  return { value, received, closed: () => closed };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createLinkedPair', () => {
  it('delivers both ways by copy, and queues until start', async () => {
    const [left, right] = createLinkedPair();
    const a = sink();
    const b = sink();
    left.start(a.value);
    const message = { jsonrpc: '2.0' as const, method: 'hello', params: { n: 1 } };
    left.send(message);
    message.params.n = 2;
    await flush();
    right.start(b.value);
    right.send({ jsonrpc: '2.0', id: 1, result: {} });
    await flush();
    expect(b.received).toEqual([{ jsonrpc: '2.0', method: 'hello', params: { n: 1 } }]);
    expect(a.received).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
  });

  it('closing one side closes both, once each', async () => {
    const [left, right] = createLinkedPair();
    const a = sink();
    const b = sink();
    left.start(a.value);
    right.start(b.value);
    await left.close();
    await right.close();
    expect([a.closed(), b.closed()]).toEqual([1, 1]);
    expect(() => right.send({ jsonrpc: '2.0', method: 'x' })).toThrow(/closed/);
  });
});
