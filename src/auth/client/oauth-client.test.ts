import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from './file-token-store.js';
import { OAuthClient } from './oauth-client.js';

const endpoint = new URL('https://mcp.test/mcp');
const request = { method: 'POST', url: endpoint, endpoint };
const challenge = () =>
  new Response(null, {
    status: 401,
    headers: {
      'www-authenticate':
        'Bearer resource_metadata="https://mcp.test/.well-known/oauth-protected-resource/mcp"',
    },
  });

/** A fetch that serves fixed JSON documents by URL and records what was asked. */
function stubFetch(documents: Record<string, unknown>, asked: string[] = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    asked.push(url);
    const body = documents[url];
    return body === undefined ? new Response('not found', { status: 404 }) : Response.json(body);
  }) as typeof fetch;
}

const prm = { resource: 'https://mcp.test/mcp', authorization_servers: ['https://as.test'] };
const asMetadata = {
  issuer: 'https://as.test',
  authorization_endpoint: 'https://as.test/authorize',
  token_endpoint: 'https://as.test/token',
  registration_endpoint: 'https://as.test/register',
};

describe('OAuthClient refusals', () => {
  it('refuses to authorize when the server does not advertise PKCE S256', async () => {
    let prompted = false;
    const auth = new OAuthClient({
      redirectUri: 'http://127.0.0.1:9/cb',
      client: { client_id: 'pre' },
      onAuthorizationUrl: async () => {
        prompted = true;
        return { code: 'c', state: 's' };
      },
      fetch: stubFetch({
        'https://mcp.test/.well-known/oauth-protected-resource/mcp': prm,
        'https://as.test/.well-known/oauth-authorization-server': {
          ...asMetadata,
          code_challenge_methods_supported: ['plain'],
        },
      }),
    });
    await expect(auth.refused(request, challenge(), 0)).rejects.toMatchObject({
      code: 'ERR_OAUTH_DISCOVERY',
      message: expect.stringContaining('PKCE S256'),
    });
    expect(prompted).toBe(false);
  });

  it('does not use metadata whose issuer differs from the one the URL was built from', async () => {
    const asked: string[] = [];
    const auth = new OAuthClient({
      redirectUri: 'http://127.0.0.1:9/cb',
      onAuthorizationUrl: async () => ({ code: 'c', state: 's' }),
      fetch: stubFetch(
        {
          'https://mcp.test/.well-known/oauth-protected-resource/mcp': prm,
          'https://as.test/.well-known/oauth-authorization-server': {
            ...asMetadata,
            issuer: 'https://as.test/',
          },
        },
        asked,
      ),
    });
    await expect(auth.refused(request, challenge(), 0)).rejects.toMatchObject({
      code: 'ERR_OAUTH_DISCOVERY',
    });
    expect(asked).toEqual([
      'https://mcp.test/.well-known/oauth-protected-resource/mcp',
      'https://as.test/.well-known/oauth-authorization-server',
      'https://as.test/.well-known/openid-configuration',
    ]);
  });

  it('refuses plain http to a non-loopback authorization server', async () => {
    const auth = new OAuthClient({
      clientCredentials: { clientId: 'c', clientSecret: 's' },
      fetch: stubFetch({
        'https://mcp.test/.well-known/oauth-protected-resource/mcp': {
          ...prm,
          authorization_servers: ['http://as.test'],
        },
        'http://as.test/.well-known/oauth-authorization-server': { ...asMetadata, issuer: 'http://as.test' },
      }),
    });
    await expect(auth.refused(request, challenge(), 0)).rejects.toMatchObject({
      code: 'ERR_OAUTH_DISCOVERY',
    });
  });
});

describe('OAuthClient answers', () => {
  it('leaves a challenge of another scheme alone', async () => {
    const auth = new OAuthClient({
      clientCredentials: { clientId: 'c', clientSecret: 's' },
      fetch: stubFetch({}),
    });
    const basic = new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } });
    await expect(auth.refused(request, basic, 0)).resolves.toBe(false);
    const forbidden = new Response(null, {
      status: 403,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
    await expect(auth.refused(request, forbidden, 0)).resolves.toBe(false);
  });

  it('names the server refusal of a code exchange, never the code or verifier', async () => {
    const asked: string[] = [];
    const documents = {
      'https://mcp.test/.well-known/oauth-protected-resource/mcp': prm,
      'https://as.test/.well-known/oauth-authorization-server': {
        ...asMetadata,
        code_challenge_methods_supported: ['S256'],
      },
    };
    const stub = stubFetch(documents, asked);
    const auth = new OAuthClient({
      redirectUri: 'http://127.0.0.1:9/cb',
      client: { client_id: 'pre' },
      onAuthorizationUrl: async ({ url }) => ({
        code: 'secret-code-123',
        state: url.searchParams.get('state')!,
      }),
      fetch: (async (input: string | URL | Request, init?: RequestInit) =>
        String(input) === 'https://as.test/token'
          ? Response.json({ error: 'invalid_grant', error_description: 'code expired' }, { status: 400 })
          : stub(input, init)) as typeof fetch,
    });
    const error = await auth.refused(request, challenge(), 0).catch((caught: Error) => caught);
    expect(error).toMatchObject({
      code: 'ERR_OAUTH_TOKEN',
      message: expect.stringContaining('invalid_grant (code expired)'),
    });
    expect(String((error as Error).message)).not.toContain('secret-code-123');
  });
});

describe('FileTokenStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'erlmcp-token-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps records across instances and runs locked tasks one at a time', async () => {
    const path = join(dir, 'nested/tokens.json');
    const first = new FileTokenStore(path);
    const second = new FileTokenStore(path);
    const order: string[] = [];
    await Promise.all(
      [first, second, first].map((store, index) =>
        store.lock('k', async () => {
          order.push(`start ${index}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          await store.save(`client ${index}`, {
            kind: 'client',
            issuer: 'https://as.test',
            client_id: String(index),
          });
          order.push(`end ${index}`);
        }),
      ),
    );
    for (let index = 0; index < order.length; index += 2) {
      expect(order[index + 1]).toBe(order[index]!.replace('start', 'end'));
    }
    expect(await new FileTokenStore(path).load('client 1')).toMatchObject({ client_id: '1' });
    await first.save('client 1', undefined);
    expect(await second.load('client 1')).toBeUndefined();
  });
});
