import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, FORWARDED_ADDRESS } from './client-address.js';

const request = (remoteAddress: string | undefined, forwarded?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

describe('clientAddressOf', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(clientAddressOf(undefined)(request('203.0.113.9', '1.2.3.4'))).toBe('203.0.113.9');
    const behindProxy = clientAddressOf(['10.0.0.0/8']);
    expect(behindProxy(request('203.0.113.9', '1.2.3.4'))).toBe('203.0.113.9');
  });

  it('takes the nearest untrusted hop, read from the right', () => {
    const address = clientAddressOf(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(address(request('10.1.2.3', '198.51.100.7'))).toBe('198.51.100.7');
    // The client may write anything on the left; only what trusted proxies appended counts.
    expect(address(request('10.1.2.3', '6.6.6.6, 198.51.100.7, 10.9.9.9'))).toBe('198.51.100.7');
    expect(address(request('::ffff:127.0.0.1', '198.51.100.7'))).toBe('198.51.100.7');
    expect(address(request('::1', '2001:db8::5'))).toBe('2001:db8::5');
  });

  it('stops at the proxy when a hop is malformed, and at the leftmost when all are trusted', () => {
    const address = clientAddressOf(['10.0.0.0/8']);
    expect(address(request('10.1.2.3', 'not-an-ip'))).toBe('10.1.2.3');
    expect(address(request('10.1.2.3', '10.0.0.5, 10.0.0.6'))).toBe('10.0.0.5');
    expect(address(request('10.1.2.3'))).toBe('10.1.2.3');
  });

  it('refuses a malformed entry at set-up, naming it', () => {
    expect(() => clientAddressOf(['10.0.0.0/33'])).toThrow(/"10\.0\.0\.0\/33"/);
    expect(() => clientAddressOf(['proxy.internal'])).toThrow(/trustedProxies/);
  });

  it("reads the first worker's peer address on a request proxied inside a cluster", () => {
    const proxied = Object.assign(request('127.0.0.1', '1.2.3.4'), { [FORWARDED_ADDRESS]: '203.0.113.9' });
    expect(clientAddressOf(undefined)(proxied)).toBe('203.0.113.9');
    expect(clientAddressOf(['203.0.113.0/24'])(proxied)).toBe('1.2.3.4');
  });
});
