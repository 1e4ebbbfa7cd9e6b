import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen } from './listener.js';

describe('listen', () => {
  it('reports its origin, drains before it ends open sockets, and closes once', async () => {
    const listener = await listen(createServer(), { host: '127.0.0.1', port: 0, tls: undefined });
    expect(listener.origin('tcp')).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(listener.origin('tcp')).port);
    const client = connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const clientClosed = new Promise((resolve) => client.once('close', resolve));
    const order: string[] = [];
    const first = listener.close(async () => {
      order.push('drain');
      expect(client.destroyed).toBe(false);
    });
    expect(
      listener.close(async () => {
        order.push('second drain');
      }),
    ).toBe(first);
    await first;
    await clientClosed;
    expect(order).toEqual(['drain']);
  });

  it('brackets IPv6 hosts and refuses a TLS reload without TLS', async () => {
    const listener = await listen(createServer(), { host: '::1', port: 0, tls: undefined }).catch(
      () => undefined,
    );
    // Machines without IPv6 loopback cannot run the first half; the TLS refusal needs none.
    if (listener) {
      expect(listener.origin('ws')).toMatch(/^ws:\/\/\[::1\]:\d+$/);
      expect(() => listener.reloadTls()).toThrow(TypeError);
      await listener.close(async () => {});
    } else {
      const v4 = await listen(createServer(), { host: '127.0.0.1', port: 0, tls: undefined });
      expect(() => v4.reloadTls()).toThrow(TypeError);
      await v4.close(async () => {});
    }
  });
});
