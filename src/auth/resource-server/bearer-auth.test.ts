import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalIssuer, nowSeconds, parseChallenge } from '../../../test/support/local-issuer.js';
import type { AuthInfo } from '../../core/auth-info.js';
import { AuthRefusal, type BearerAuthOptions, bearerAuth } from './bearer-auth.js';
import { jwtVerifier } from './jwt-verifier.js';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await LocalIssuer.start();
});
afterAll(async () => {
  await issuer.stop();
});

/** A bearerAuth over the local issuer's JWTs, counting verifications. */
function guard(options: Partial<BearerAuthOptions> = {}) {
  const verify = jwtVerifier({ issuer: issuer.issuer, audience: RESOURCE });
  const calls = { count: 0 };
  const verifier: TokenVerifier = (token) => {
    calls.count++;
    return verify(token);
  };
  const auth = bearerAuth({
    resource: RESOURCE,
    authorizationServers: [issuer.issuer],
    verifier,
    requiredScopes: ['mcp:use'],
    ...options,
  });
  return { auth, calls };
}

function refusal(outcome: unknown): AuthRefusal {
  expect(outcome).toBeInstanceOf(AuthRefusal);
  return outcome as AuthRefusal;
}

const mint = (claims: Record<string, unknown> = {}) =>
  issuer.mint({ sub: 'alice', aud: RESOURCE, scope: 'mcp:use files:read', ...claims });

describe('BearerAuth.authenticate: refusals', () => {
  it('answers a request without Authorization 401 naming the metadata and the required scopes', () => {
    const { auth, calls } = guard();
    const outcome = refusal(auth.authenticate(undefined, '/mcp'));
    expect(outcome.status).toBe(401);
    // RFC 6750 §3.1: a request without credentials gets no error code.
    expect(parseChallenge(outcome.challenge)).toEqual({
      scheme: 'Bearer',
      params: { resource_metadata: METADATA, scope: 'mcp:use' },
    });
    expect(calls.count).toBe(0);
  });

  it('leaves `scope` out of the challenge when no scope is required', () => {
    const { auth } = guard({ requiredScopes: [] });
    expect(parseChallenge(refusal(auth.authenticate(undefined, '/mcp')).challenge).params).toEqual({
      resource_metadata: METADATA,
    });
  });

  it('treats another scheme as no credentials (401)', () => {
    const { auth, calls } = guard();
    for (const header of ['Basic YWxpY2U6c2VjcmV0', 'Bearerish abc', 'DPoP abc']) {
      const outcome = refusal(auth.authenticate(header, '/mcp'));
      expect(outcome.status).toBe(401);
      expect(parseChallenge(outcome.challenge).params.resource_metadata).toBe(METADATA);
    }
    expect(calls.count).toBe(0);
  });

  it('answers a malformed Bearer header 400 invalid_request', () => {
    const { auth, calls } = guard();
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer tok"en', 'Bearer a,b', 'Bearer =abc']) {
      const outcome = refusal(auth.authenticate(header, '/mcp'));
      expect(outcome.status, header).toBe(400);
      expect(parseChallenge(outcome.challenge).params).toMatchObject({
        error: 'invalid_request',
        resource_metadata: METADATA,
      });
    }
    expect(calls.count).toBe(0);
  });

  it('refuses a token in the query string with 400, even beside a valid header', async () => {
    const { auth, calls } = guard();
    const token = await mint();
    for (const url of [`/mcp?access_token=${token}`, `/mcp?x=1&access_token=abc`]) {
      const outcome = refusal(auth.authenticate(`Bearer ${token}`, url));
      expect(outcome.status).toBe(400);
      expect(parseChallenge(outcome.challenge).params.error).toBe('invalid_request');
    }
    expect(calls.count).toBe(0);
    // A parameter merely containing the words is no token.
    expect(await auth.authenticate(`Bearer ${token}`, '/mcp?note=access_token_docs')).not.toBeInstanceOf(
      AuthRefusal,
    );
  });

  it('answers an invalid token 401 invalid_token, without the token in the challenge', async () => {
    const { auth } = guard();
    const token = await mint({ aud: 'https://other.example.com/mcp' });
    const outcome = refusal(await auth.authenticate(`Bearer ${token}`, '/mcp'));
    expect(outcome.status).toBe(401);
    const { params } = parseChallenge(outcome.challenge);
    expect(params).toMatchObject({ error: 'invalid_token', resource_metadata: METADATA, scope: 'mcp:use' });
    expect(params.error_description).toMatch(/aud/);
    expect(outcome.challenge).not.toContain(token);
  });

  it('answers 401, not a rejection, when the verifier fails unexpectedly, and does not leak why', async () => {
    const auth = bearerAuth({
      resource: RESOURCE,
      authorizationServers: ['https://as.example.com'],
      verifier: () => {
        throw new Error('ECONNREFUSED secret-internal-host:5432');
      },
    });
    const outcome = refusal(await auth.authenticate('Bearer abc', '/mcp'));
    expect(outcome.status).toBe(401);
    expect(parseChallenge(outcome.challenge).params.error).toBe('invalid_token');
    expect(outcome.challenge).not.toContain('secret-internal-host');
  });

  it('does not remember a refused token: the next use is verified again', async () => {
    let calls = 0;
    const auth = bearerAuth({
      resource: RESOURCE,
      authorizationServers: ['https://as.example.com'],
      verifier: () => {
        calls++;
        throw new InvalidTokenError('no');
      },
    });
    await auth.authenticate('Bearer abc', '/mcp');
    await auth.authenticate('Bearer abc', '/mcp');
    expect(calls).toBe(2);
  });

  it('needs a resource before it can challenge', () => {
    const auth = bearerAuth({
      authorizationServers: ['https://as.example.com'],
      verifier: () => ({}) as never,
    });
    expect(auth.hasResource).toBe(false);
    expect(() => auth.resource).toThrow(/no resource URL/);
    expect(() => bearerAuth({ authorizationServers: [], verifier: () => ({}) as never })).toThrow(TypeError);
  });
});

describe('BearerAuth.authenticate: valid tokens', () => {
  it('gives the AuthInfo of a valid token: principal <iss>#<sub>, scopes, expiry, claims', async () => {
    const { auth } = guard();
    const exp = nowSeconds() + 600;
    const token = await mint({ exp, client_id: 'app' });
    const info = (await auth.authenticate(`Bearer ${token}`, '/mcp')) as AuthInfo;
    expect(info).toMatchObject({
      principal: `${issuer.issuer}#alice`,
      issuer: issuer.issuer,
      subject: 'alice',
      clientId: 'app',
      scopes: ['mcp:use', 'files:read'],
      expiresAt: exp,
    });
    expect(info.claims.jti).toEqual(expect.any(String));
    expect(info.token).toBeUndefined();
    expect(Object.values(info)).not.toContain(token);
  });

  it('takes the scheme in any case', async () => {
    const { auth } = guard();
    const token = await mint();
    expect(await auth.authenticate(`bEARER ${token}`, '/mcp')).not.toBeInstanceOf(AuthRefusal);
  });

  it('names a client acting for itself <iss>#client:<id> (client_id, else azp)', async () => {
    const { auth } = guard();
    const own = (await auth.authenticate(
      `Bearer ${await mint({ sub: undefined, client_id: 'robot' })}`,
      '/mcp',
    )) as AuthInfo;
    expect(own.principal).toBe(`${issuer.issuer}#client:robot`);
    expect(own.subject).toBeUndefined();
    const azp = (await auth.authenticate(
      `Bearer ${await mint({ sub: undefined, azp: 'spa' })}`,
      '/mcp',
    )) as AuthInfo;
    expect(azp.principal).toBe(`${issuer.issuer}#client:spa`);
  });

  it('refuses a token naming neither subject nor client', async () => {
    const { auth } = guard();
    const outcome = refusal(await auth.authenticate(`Bearer ${await mint({ sub: undefined })}`, '/mcp'));
    expect(outcome.status).toBe(401);
  });

  it('reads scopes from `scp` (array or string) when there is no `scope`', async () => {
    const { auth } = guard();
    const array = (await auth.authenticate(
      `Bearer ${await mint({ scope: undefined, scp: ['a', 'b', 7] })}`,
      '/mcp',
    )) as AuthInfo;
    expect(array.scopes).toEqual(['a', 'b']);
    const text = (await auth.authenticate(
      `Bearer ${await mint({ scope: undefined, scp: 'c  d' })}`,
      '/mcp',
    )) as AuthInfo;
    expect(text.scopes).toEqual(['c', 'd']);
    const none = (await auth.authenticate(`Bearer ${await mint({ scope: undefined })}`, '/mcp')) as AuthInfo;
    expect(none.scopes).toEqual([]);
  });

  it('answers a token seen before synchronously, without asking the issuer again', async () => {
    const { auth, calls } = guard();
    const token = await mint();
    const first = auth.authenticate(`Bearer ${token}`, '/mcp');
    expect(first).toBeInstanceOf(Promise);
    const info = await first;
    const before = { ...issuer.requests };
    const second = auth.authenticate(`Bearer ${token}`, '/mcp');
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toEqual(info);
    expect(calls.count).toBe(1);
    expect(issuer.requests).toEqual(before);
  });

  it('verifies concurrent first uses of one token once', async () => {
    const { auth, calls } = guard();
    const token = await mint();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => auth.authenticate(`Bearer ${token}`, '/mcp')),
    );
    expect(calls.count).toBe(1);
    for (const outcome of outcomes) expect((outcome as AuthInfo).principal).toBe(`${issuer.issuer}#alice`);
  });

  it('verifies concurrent first uses of a bad token once too, refusing every one', async () => {
    const { auth, calls } = guard();
    const token = await mint({ aud: 'https://elsewhere.example.com' });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => auth.authenticate(`Bearer ${token}`, '/mcp')),
    );
    expect(calls.count).toBe(1);
    for (const outcome of outcomes) expect(refusal(outcome).status).toBe(401);
  });

  it("takes a repeat of a connection's last header without hashing, until the entry's trust ends", async () => {
    const { auth, calls } = guard({ cacheMaxAgeMs: 60_000 });
    const alice = await mint();
    const bob = await mint({ sub: 'bob' });
    const connection = {};
    const first = (await auth.authenticate(`Bearer ${alice}`, '/mcp', connection)) as AuthInfo;
    const hashes = vi.spyOn(VerifiedTokenCache.prototype, 'key');
    try {
      // The second use fills the connection's memo (one hash); the third is a string comparison.
      expect(auth.authenticate(`Bearer ${alice}`, '/mcp', connection)).toEqual(first);
      expect(auth.authenticate(`Bearer ${alice}`, '/mcp', connection)).toEqual(first);
      expect(hashes).toHaveBeenCalledTimes(1);
      // Another token on the same connection is its own, and becomes the memo.
      const other = (await auth.authenticate(`Bearer ${bob}`, '/mcp', connection)) as AuthInfo;
      expect(other.principal).toBe(`${issuer.issuer}#bob`);
      // Past the cache's trust window the memo is not used either: the token is verified again.
      const later = Date.now() + 61_000;
      vi.spyOn(Date, 'now').mockReturnValue(later);
      const before = calls.count;
      await auth.authenticate(`Bearer ${alice}`, '/mcp', connection);
      expect(calls.count).toBe(before + 1);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('puts the raw token in AuthInfo only with exposeToken, first use and cached alike', async () => {
    const { auth } = guard({ exposeToken: true });
    const token = await mint();
    expect(((await auth.authenticate(`Bearer ${token}`, '/mcp')) as AuthInfo).token).toBe(token);
    expect((auth.authenticate(`Bearer ${token}`, '/mcp') as AuthInfo).token).toBe(token);
    const connection = {};
    auth.authenticate(`Bearer ${token}`, '/mcp', connection);
    expect((auth.authenticate(`Bearer ${token}`, '/mcp', connection) as AuthInfo).token).toBe(token);
  });
});

describe('BearerAuth: connections, scopes, metadata', () => {
  it('authorizeConnection needs every required scope (403 insufficient_scope otherwise)', async () => {
    const { auth } = guard({ requiredScopes: ['mcp:use', 'mcp:admin'] });
    const outcome = refusal(await auth.authorizeConnection(`Bearer ${await mint()}`, '/ws'));
    expect(outcome.status).toBe(403);
    expect(parseChallenge(outcome.challenge).params).toMatchObject({
      error: 'insufficient_scope',
      scope: 'mcp:use mcp:admin',
      resource_metadata: METADATA,
    });
    const admin = await mint({ scope: 'mcp:admin mcp:use' });
    expect((await auth.authorizeConnection(`Bearer ${admin}`, '/ws')) as AuthInfo).toMatchObject({
      principal: `${issuer.issuer}#alice`,
    });
    expect(refusal(await auth.authorizeConnection(undefined, '/ws')).status).toBe(401);
  });

  it('insufficientScope names every needed scope', () => {
    const { auth } = guard();
    const outcome = auth.insufficientScope(['files:read', 'files:write']);
    expect(outcome.status).toBe(403);
    const { params } = parseChallenge(outcome.challenge);
    expect(params).toMatchObject({
      error: 'insufficient_scope',
      scope: 'files:read files:write',
      resource_metadata: METADATA,
    });
    expect(params.error_description).toContain('files:read files:write');
  });

  it('builds the RFC 9728 document', () => {
    const { auth } = guard({
      resource: 'https://MCP.example.com/mcp/',
      resourceName: 'Files',
      resourceDocumentation: 'https://docs.example.com',
    });
    expect(auth.metadata()).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: [issuer.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: ['mcp:use'],
      resource_name: 'Files',
      resource_documentation: 'https://docs.example.com',
    });
    expect(guard({ scopesSupported: ['a', 'b'] }).auth.metadata().scopes_supported).toEqual(['a', 'b']);
    expect(guard({ requiredScopes: [] }).auth.metadata()).not.toHaveProperty('scopes_supported');
  });

  it('binds its resource once: the same URL again is fine, another is refused', () => {
    const auth = bearerAuth({
      authorizationServers: ['https://as.example.com'],
      verifier: () => ({}) as never,
    });
    auth.bindResource('http://127.0.0.1:3000/mcp');
    auth.bindResource('http://127.0.0.1:3000/mcp/');
    expect(() => auth.bindResource('http://127.0.0.1:3001/mcp')).toThrow(/already protects/);
    expect(auth.metadataUrl).toBe('http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp');
    expect(auth.metadataPaths).toEqual({
      pathInserted: '/.well-known/oauth-protected-resource/mcp',
      root: '/.well-known/oauth-protected-resource',
    });
  });
});
