import { afterEach, describe, expect, it } from 'vitest';
import { LocalIssuer, type LocalIssuerOptions, nowSeconds } from '../../../test/support/local-issuer.js';
import { type JwtVerifierOptions, jwtVerifier } from './jwt-verifier.js';
import { InvalidTokenError } from './token-verifier.js';

const AUD = 'http://127.0.0.1:1/mcp';
const issuers: LocalIssuer[] = [];
afterEach(async () => {
  await Promise.all(issuers.splice(0).map((issuer) => issuer.stop()));
});

async function start(options: LocalIssuerOptions = {}) {
  const issuer = await LocalIssuer.start(options);
  issuers.push(issuer);
  return issuer;
}

function verifierFor(issuer: LocalIssuer, options: Partial<JwtVerifierOptions> = {}) {
  return jwtVerifier({ issuer: issuer.issuer, audience: AUD, ...options });
}

const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'alice', aud: AUD, ...extra });

describe('jwtVerifier: discovery', () => {
  it('finds the JWKS through RFC 8414 metadata with path insertion, once', async () => {
    const issuer = await start({ path: '/tenant-a' });
    const verify = verifierFor(issuer);
    expect((await verify(await issuer.mint(claims()))).principal).toBe(`${issuer.issuer}#alice`);
    await verify(await issuer.mint(claims({ sub: 'bob' })));
    expect(issuer.requests).toMatchObject({ metadata: 1, openid: 0, jwks: 1 });
  });

  it('falls back to OpenID Connect discovery', async () => {
    for (const path of ['', '/realms/x']) {
      const issuer = await start({ discovery: 'openid', path });
      await verifierFor(issuer)(await issuer.mint(claims()));
      expect(issuer.requests.openid).toBe(1);
    }
  });

  it('refuses metadata that names another issuer (RFC 8414 §3.3)', async () => {
    const issuer = await start({ announcedIssuer: 'https://evil.example.com' });
    // The client is told only that the token cannot be verified; the operator's detail names why.
    await expect(verifierFor(issuer)(await issuer.mint(claims()))).rejects.toMatchObject({
      message: expect.stringContaining('cannot be verified'),
      detail: expect.stringMatching(/No usable metadata.*evil\.example\.com/),
    });
    expect(issuer.requests.jwks).toBe(0);
  });

  it('uses a configured jwksUrl without discovery', async () => {
    const issuer = await start();
    await verifierFor(issuer, { jwksUrl: issuer.jwksUrl })(await issuer.mint(claims()));
    expect(issuer.requests).toMatchObject({ metadata: 0, openid: 0, jwks: 1 });
  });

  it('turns an unreachable issuer into InvalidTokenError, and discovers again once it is back', async () => {
    const issuer = await start();
    const token = await issuer.mint(claims());
    await issuer.stop();
    const verify = verifierFor(issuer, { fetchTimeoutMs: 1000 });
    await expect(verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
    await issuer.restart();
    expect((await verify(token)).subject).toBe('alice');
  });
});

describe('jwtVerifier: key rotation', () => {
  it('refetches the JWKS for an unknown kid, and accepts the new key without a restart', async () => {
    const issuer = await start();
    const verify = verifierFor(issuer, { jwksCooldownMs: 0 });
    await verify(await issuer.mint(claims()));
    expect(issuer.requests.jwks).toBe(1);
    const kid = await issuer.rotate({ retire: true });
    const rotated = await issuer.mint(claims());
    expect((await verify(rotated)).subject).toBe('alice');
    expect(issuer.requests.jwks).toBe(2);
    expect(kid).toBe(issuer.kid);
  });

  it('refetches at most once per cooldown, however many unknown kids arrive', async () => {
    const issuer = await start();
    const verify = verifierFor(issuer);
    await verify(await issuer.mint(claims()));
    for (let i = 0; i < 5; i++) {
      await expect(verify(await issuer.mint(claims(), { header: { kid: `unknown-${i}` } }))).rejects.toThrow(
        /key the issuer does not publish/,
      );
    }
    expect(issuer.requests.jwks).toBe(1);
    // Within the cooldown, a key rotated in is not fetched yet either.
    await issuer.rotate();
    await expect(verify(await issuer.mint(claims()))).rejects.toBeInstanceOf(InvalidTokenError);
    expect(issuer.requests.jwks).toBe(1);
  });
});

describe('jwtVerifier: claims and algorithms', () => {
  it('allows clock skew on exp and nbf, and no more', async () => {
    const issuer = await start();
    const verify = verifierFor(issuer, { clockSkewSeconds: 30 });
    const now = nowSeconds();
    await expect(verify(await issuer.mint(claims({ exp: now - 10 })))).resolves.toBeDefined();
    await expect(verify(await issuer.mint(claims({ nbf: now + 10 })))).resolves.toBeDefined();
    await expect(verify(await issuer.mint(claims({ exp: now - 60 })))).rejects.toThrow(/expired/);
    await expect(verify(await issuer.mint(claims({ nbf: now + 120 })))).rejects.toThrow(/nbf/);
  });

  it('checks issuer and audience (any of an array of audiences)', async () => {
    const issuer = await start();
    const verify = verifierFor(issuer, { audience: [AUD, 'urn:other'] });
    await expect(verify(await issuer.mint(claims({ aud: ['urn:x', 'urn:other'] })))).resolves.toBeDefined();
    await expect(verify(await issuer.mint(claims({ aud: 'urn:x' })))).rejects.toThrow(/aud/);
    await expect(verify(await issuer.mint(claims({ iss: 'https://evil.example.com' })))).rejects.toThrow(
      /iss/,
    );
  });

  it('checks typ only when asked', async () => {
    const issuer = await start();
    const token = await issuer.mint(claims(), { header: { typ: 'JWT' } });
    await expect(verifierFor(issuer)(token)).resolves.toBeDefined();
    await expect(verifierFor(issuer, { typ: 'at+jwt' })(token)).rejects.toThrow(/typ/);
    await expect(verifierFor(issuer, { typ: 'at+jwt' })(await issuer.mint(claims()))).resolves.toBeDefined();
  });

  it('verifies RSA and EdDSA keys as well', async () => {
    for (const alg of ['RS256', 'EdDSA'] as const) {
      const issuer = await start({ alg });
      expect((await verifierFor(issuer)(await issuer.mint(claims()))).subject).toBe('alice');
    }
  });

  it('refuses an algorithm outside its list', async () => {
    const issuer = await start();
    const token = await issuer.mint(claims());
    await expect(verifierFor(issuer, { algorithms: ['RS256'] })(token)).rejects.toThrow(/algorithm/);
  });
});
