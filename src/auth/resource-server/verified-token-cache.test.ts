import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthInfo } from '../../core/auth-info.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const T0 = 1_800_000_000_000;

function info(principal: string, expiresAt?: number): AuthInfo {
  return {
    principal,
    issuer: 'https://as.example.com',
    subject: principal,
    clientId: undefined,
    scopes: [],
    expiresAt,
    claims: {},
  };
}

describe('VerifiedTokenCache', () => {
  it('keys by the SHA-256 of the token, never the token itself', () => {
    const cache = new VerifiedTokenCache(10, 60_000);
    const token = 'eyJhbGciOiJFUzI1NiJ9.secret-token-body.signature';
    const key = cache.key(token);
    expect(key).toBe(createHash('sha256').update(token).digest('binary'));
    expect(key).not.toContain('secret-token-body');
    expect(cache.key(`${token}x`)).not.toBe(key);
  });

  it('keeps an entry until the token expires, then forgets it', () => {
    const cache = new VerifiedTokenCache(10, 3_600_000);
    const key = cache.key('a');
    cache.put(key, info('alice', T0 / 1000 + 60), T0);
    expect(cache.get(key, T0 + 59_999)?.info.principal).toBe('alice');
    expect(cache.get(key, T0 + 60_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('trusts a token no longer than maxAge, even when it expires later (revocation)', () => {
    const cache = new VerifiedTokenCache(10, 5_000);
    const key = cache.key('a');
    cache.put(key, info('alice', T0 / 1000 + 3600), T0);
    expect(cache.get(key, T0 + 4_999)).toBeDefined();
    expect(cache.get(key, T0 + 5_000)).toBeUndefined();
  });

  it('keeps a token without exp for maxAge', () => {
    const cache = new VerifiedTokenCache(10, 5_000);
    cache.put('k', info('alice'), T0);
    expect(cache.get('k', T0 + 4_999)).toBeDefined();
    expect(cache.get('k', T0 + 5_000)).toBeUndefined();
  });

  it('does not store a token already expired', () => {
    const cache = new VerifiedTokenCache(10, 5_000);
    cache.put('k', info('alice', T0 / 1000), T0);
    expect(cache.size).toBe(0);
    expect(cache.get('k', T0)).toBeUndefined();
  });

  it('is bounded: past maxEntries the oldest entry goes', () => {
    const cache = new VerifiedTokenCache(2, 60_000);
    cache.put('a', info('a'), T0);
    cache.put('b', info('b'), T0);
    cache.put('c', info('c'), T0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', T0)).toBeUndefined();
    expect(cache.get('b', T0)?.info.principal).toBe('b');
    expect(cache.get('c', T0)?.info.principal).toBe('c');
  });

  it('renewing an entry at capacity evicts no other entry', () => {
    const cache = new VerifiedTokenCache(2, 60_000);
    cache.put('a', info('a'), T0);
    cache.put('b', info('b'), T0);
    cache.put('b', info('b'), T0 + 1);
    expect(cache.get('a', T0 + 1)?.info.principal).toBe('a');
    expect(cache.get('b', T0 + 1)?.info.principal).toBe('b');
  });
});
