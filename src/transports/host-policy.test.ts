import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hostOriginGuard,
  isAllowedHost,
  isAllowedOrigin,
  parseAuthority,
  parseOrigin,
} from './host-policy.js';

describe('parseAuthority', () => {
  it('reads names, IPv4 and bracketed IPv6 literals with optional ports', () => {
    expect(parseAuthority('LocalHost:3000')).toEqual({ name: 'localhost', port: 3000 });
    expect(parseAuthority('127.0.0.1')).toEqual({ name: '127.0.0.1', port: undefined });
    expect(parseAuthority('[::1]:8080')).toEqual({ name: '[::1]', port: 8080 });
    expect(parseAuthority('[::1]')).toEqual({ name: '[::1]', port: undefined });
    expect(parseAuthority('localhost.:80')).toEqual({ name: 'localhost', port: 80 });
  });

  it('refuses anything that is not exactly an authority', () => {
    for (const bad of [
      '',
      '[::1]evil.com',
      '[::1]:80evil',
      '[::1',
      '[evil.com]',
      'a:b:c',
      'localhost:',
      'localhost:65536',
      'localhost:-1',
      'local host',
      'localhost..',
      'a..b',
      'user@localhost',
      'localhost/path',
      '.',
      'localhost:80:80',
    ]) {
      expect(parseAuthority(bad), bad).toBeUndefined();
    }
  });
});

describe('default policy (localhost only)', () => {
  it('accepts localhost names with any port, IPv6 included', () => {
    for (const host of ['localhost', 'localhost:1', '127.0.0.1:3000', '[::1]:3000', '[::1]', 'localhost.']) {
      expect(isAllowedHost(host, undefined), host).toBe(true);
    }
  });

  it('refuses other names and malformed values', () => {
    for (const host of [
      undefined,
      'rebind.evil.com',
      '[::1]evil.com',
      'localhost.evil.com',
      'localhost:80@evil',
    ]) {
      expect(isAllowedHost(host, undefined), String(host)).toBe(false);
    }
  });

  it('accepts http(s) localhost origins, IPv6 included, and requests without Origin', () => {
    expect(isAllowedOrigin(undefined, undefined)).toBe(true);
    expect(isAllowedOrigin('http://[::1]:3000', undefined)).toBe(true);
    expect(isAllowedOrigin('https://localhost', undefined)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8080', undefined)).toBe(true);
  });

  it('refuses foreign, opaque and malformed origins', () => {
    for (const origin of [
      'null',
      'http://evil.com',
      'ftp://localhost',
      'http://localhost/path',
      'http://user@localhost',
      'http://[::1]evil.com',
      'http://localhost.evil.com',
      'http://localhost, http://evil.com',
    ]) {
      expect(isAllowedOrigin(origin, undefined), origin).toBe(false);
    }
  });
});

describe('allowlists', () => {
  it('matches names with any port, or name:port exactly, case- and trailing-dot-insensitively', () => {
    const allowed = ['API.example.com', 'internal:8443', '[2001:db8::1]'];
    expect(isAllowedHost('api.example.com.:443', allowed)).toBe(true);
    expect(isAllowedHost('internal:8443', allowed)).toBe(true);
    expect(isAllowedHost('internal:8444', allowed)).toBe(false);
    expect(isAllowedHost('[2001:db8::1]:80', allowed)).toBe(true);
    expect(isAllowedHost('localhost', allowed)).toBe(false);
  });

  it('matches origins by scheme, name and port', () => {
    const allowed = ['https://app.example.com', 'http://[::1]:5173'];
    expect(isAllowedOrigin('https://APP.example.com', allowed)).toBe(true);
    expect(isAllowedOrigin('http://app.example.com', allowed)).toBe(false);
    expect(isAllowedOrigin('https://app.example.com:8443', allowed)).toBe(false);
    expect(isAllowedOrigin('http://[::1]:5173', allowed)).toBe(true);
  });

  it('refuses a malformed allowlist entry at set-up, naming it', () => {
    expect(() => hostOriginGuard({ allowedHosts: ['*.example.com'] })).toThrow(
      /allowedHosts: "\*\.example\.com"/,
    );
    expect(() => hostOriginGuard({ allowedOrigins: ['app.example.com'] })).toThrow(/allowedOrigins/);
  });

  it("'*' turns each check off", () => {
    const guard = hostOriginGuard({ allowedHosts: '*', allowedOrigins: '*' });
    expect(guard({ host: 'anything', origin: 'null' })).toBeUndefined();
  });
});

describe('the guard remembers its last verdict, and never a stale one', () => {
  it('gives the same answers as the plain checks for a sequence of headers', () => {
    const guard = hostOriginGuard({});
    const value = fc.oneof(
      fc.constantFrom(undefined, 'localhost:3000', '[::1]:1', 'evil.com', '[::1]evil.com', 'null'),
      fc.string({ maxLength: 24 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { maxLength: 20 }), (pairs) => {
        for (const [host, origin] of pairs) {
          const verdict = guard({ host, origin } as Record<string, string | undefined>);
          const expected = !isAllowedHost(host, undefined)
            ? 'Forbidden: Host not allowed'
            : !isAllowedOrigin(origin, undefined)
              ? 'Forbidden: Origin not allowed'
              : undefined;
          expect(verdict).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: Host and Origin parsing', () => {
  const authorityChars = fc.constantFrom(...'ab.-_:[]@/ 0123456789%\\'.split(''));
  const junk = fc.array(authorityChars, { maxLength: 30 }).map((chars) => chars.join(''));

  it('never throws, and only well-formed localhost authorities pass the default policy', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.string({ maxLength: 40 })), (value) => {
        const host = isAllowedHost(value, undefined);
        const origin = isAllowedOrigin(value, undefined);
        if (host) expect(['localhost', '127.0.0.1', '[::1]']).toContain(parseAuthority(value)?.name);
        if (origin) expect(parseOrigin(value)).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every well-formed local authority, with or without a port', () => {
    const local = fc.tuple(
      fc.constantFrom('localhost', 'LOCALHOST', '127.0.0.1', '[::1]', 'localhost.'),
      fc.option(fc.integer({ min: 0, max: 65_535 })),
    );
    fc.assert(
      fc.property(local, ([name, port]) => {
        const host = port === null ? name : `${name}:${port}`;
        expect(isAllowedHost(host, undefined)).toBe(true);
        expect(isAllowedOrigin(`http://${host}`, undefined)).toBe(true);
        // Anything glued after the authority makes it foreign.
        expect(isAllowedHost(`${host}evil.com`, undefined)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
