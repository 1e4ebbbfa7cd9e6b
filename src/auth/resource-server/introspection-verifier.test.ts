import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer, nowSeconds } from '../../../test/support/local-issuer.js';
import { AuthRefusal, bearerAuth } from './bearer-auth.js';
import { type IntrospectionVerifierOptions, introspectionVerifier } from './introspection-verifier.js';
import { InvalidTokenError } from './token-verifier.js';

const AUD = 'http://127.0.0.1:1/mcp';
let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await LocalIssuer.start({ clients: { rs: 'rs secret:+/' } });
});
afterAll(async () => {
  await issuer.stop();
});

function verifier(options: Partial<IntrospectionVerifierOptions> = {}) {
  return introspectionVerifier({
    issuer: issuer.issuer,
    audience: AUD,
    clientId: 'rs',
    clientSecret: 'rs secret:+/',
    ...options,
  });
}

describe('introspectionVerifier (RFC 7662) against the local issuer', () => {
  it('accepts an active token for this audience, finding the endpoint in the issuer metadata', async () => {
    const before = issuer.requests.metadata;
    const token = issuer.opaque({
      sub: 'alice',
      aud: AUD,
      scope: 'a b',
      client_id: 'app',
      iss: issuer.issuer,
    });
    const info = await verifier()(token);
    expect(info).toMatchObject({
      principal: `${issuer.issuer}#alice`,
      scopes: ['a', 'b'],
      clientId: 'app',
    });
    expect(issuer.requests.metadata).toBe(before + 1);
  });

  it('refuses an inactive, unknown or revoked token', async () => {
    const verify = verifier();
    await expect(verify(issuer.opaque({ active: false, sub: 'alice', aud: AUD }))).rejects.toThrow(
      /not active/,
    );
    await expect(verify('never-issued')).rejects.toThrow(/not active/);
    const token = issuer.opaque({ sub: 'alice', aud: AUD });
    await expect(verify(token)).resolves.toBeDefined();
    issuer.revoke(token);
    await expect(verify(token)).rejects.toThrow(/not active/);
  });

  it('refuses a token for another audience, and one without aud unless allowed', async () => {
    await expect(verifier()(issuer.opaque({ sub: 'alice', aud: 'urn:other' }))).rejects.toThrow(/aud/);
    await expect(verifier()(issuer.opaque({ sub: 'alice', aud: ['urn:other', AUD] }))).resolves.toBeDefined();
    const noAud = issuer.opaque({ sub: 'alice' });
    await expect(verifier()(noAud)).rejects.toThrow(/aud/);
    await expect(verifier({ allowMissingAudience: true })(noAud)).resolves.toMatchObject({
      principal: `${issuer.issuer}#alice`,
    });
  });

  it('refuses an answer from another issuer, or already expired', async () => {
    await expect(
      verifier()(issuer.opaque({ sub: 'alice', aud: AUD, iss: 'https://evil.example.com' })),
    ).rejects.toThrow(/issued by/);
    // The local issuer itself answers inactive for an expired token; a lax server might not.
    const lax = introspectionVerifier({
      issuer: issuer.issuer,
      audience: AUD,
      clientId: 'rs',
      clientSecret: 'x',
      endpoint: 'http://127.0.0.1:1/never-called',
      fetch: async () => Response.json({ active: true, sub: 'alice', aud: AUD, exp: nowSeconds() - 1 }),
    });
    await expect(lax('t')).rejects.toThrow(/expired/);
  });

  it('authenticates itself with HTTP Basic; wrong credentials are an InvalidTokenError', async () => {
    const token = issuer.opaque({ sub: 'alice', aud: AUD });
    await expect(verifier({ clientSecret: 'wrong' })(token)).rejects.toMatchObject({
      name: 'InvalidTokenError',
      detail: expect.stringMatching(/HTTP 401/),
    });
    await expect(verifier({ clientId: 'nobody' })(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('introspects minted JWTs too, through a configured endpoint', async () => {
    const before = issuer.requests.metadata;
    const jwt = await issuer.mint({ sub: 'bob', aud: AUD });
    const info = await verifier({ endpoint: issuer.introspectionUrl })(jwt);
    expect(info.principal).toBe(`${issuer.issuer}#bob`);
    expect(issuer.requests.metadata).toBe(before);
  });

  it('is asked once per token behind bearerAuth; an unreachable issuer is a 401', async () => {
    const auth = bearerAuth({ resource: AUD, authorizationServers: [issuer.issuer], verifier: verifier() });
    const token = issuer.opaque({ sub: 'carol', aud: AUD });
    const before = issuer.requests.introspection;
    await auth.authenticate(`Bearer ${token}`, '/mcp');
    expect(auth.authenticate(`Bearer ${token}`, '/mcp')).toMatchObject({
      principal: `${issuer.issuer}#carol`,
    });
    expect(issuer.requests.introspection).toBe(before + 1);
    await issuer.stop();
    try {
      const outcome = await auth.authenticate(`Bearer ${issuer.opaque({ sub: 'dan', aud: AUD })}`, '/mcp');
      expect(outcome).toBeInstanceOf(AuthRefusal);
      expect((outcome as AuthRefusal).status).toBe(401);
      expect(auth.authenticate(`Bearer ${token}`, '/mcp')).toMatchObject({
        principal: `${issuer.issuer}#carol`,
      });
    } finally {
      await issuer.restart();
    }
  });
});
