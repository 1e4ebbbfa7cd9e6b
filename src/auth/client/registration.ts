import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { AuthorizationServerMetadata } from '../metadata/types.js';
import { type OAuthHttpOptions, oauthErrorOf, postToEndpoint } from './http.js';
import { clientKey, type StoredClient, type TokenStore } from './token-store.js';

/** A client registered out of band (RFC 6749 §2), optionally bound to one authorization server. */
export interface PreRegisteredClient {
  client_id: string;
  client_secret?: string;
  /** Default: `client_secret_basic` with a secret (or what the server supports), `none` without. */
  token_endpoint_auth_method?: string;
  /** The issuer it was registered with; another authorization server is refused, not tried. */
  issuer?: string;
}

/** RFC 7591 §2 client metadata (what DCR sends and a Client ID Metadata Document holds). */
export interface ClientMetadata {
  client_name?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method?: string;
  /** OIDC Registration: `native` for CLI, desktop and localhost apps, `web` otherwise. */
  application_type?: 'native' | 'web';
  scope?: string;
  client_uri?: string;
  logo_uri?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  [member: string]: unknown;
}

export interface ClientIdentityOptions extends OAuthHttpOptions {
  /** Pre-registered credentials: one client, or one per issuer. Tried first. */
  client?: PreRegisteredClient | ((issuer: string) => PreRegisteredClient | undefined);
  /** An HTTPS URL serving this client's metadata document, used as `client_id` where supported. */
  clientMetadataUrl?: string;
  /** Metadata for Dynamic Client Registration. */
  clientMetadata: ClientMetadata;
}

/**
 * The client identity to use at an authorization server, in the specification's order:
 * pre-registered, then a Client ID Metadata Document (when the server advertises
 * `client_id_metadata_document_supported`), then Dynamic Client Registration (RFC 7591), whose
 * result is kept in the store under the issuer (a new issuer means a new registration).
 */
export async function resolveClient(
  server: AuthorizationServerMetadata,
  store: TokenStore,
  options: ClientIdentityOptions,
  registerIfMissing = true,
): Promise<StoredClient | undefined> {
  const { issuer } = server;
  const configured = typeof options.client === 'function' ? options.client(issuer) : options.client;
  if (configured) {
    if (configured.issuer !== undefined && configured.issuer !== issuer) {
      throw new ErlmcpError(
        'ERR_OAUTH_REGISTRATION',
        `The pre-registered client is for ${configured.issuer}, but the MCP server now uses ${issuer}`,
      );
    }
    return { kind: 'client', ...configured, issuer };
  }
  if (options.clientMetadataUrl && server.client_id_metadata_document_supported === true) {
    return {
      kind: 'client',
      issuer,
      client_id: options.clientMetadataUrl,
      token_endpoint_auth_method: 'none',
    };
  }
  const key = clientKey(issuer);
  return store.lock(key, async () => {
    const stored = await store.load(key);
    if (stored?.kind === 'client' && stored.issuer === issuer && usable(stored, options.clientMetadata)) {
      return stored;
    }
    if (!registerIfMissing) return undefined;
    const registered = await register(server, options);
    await store.save(key, registered);
    return registered;
  });
}

function usable(client: StoredClient, metadata: ClientMetadata): boolean {
  const expires = client.client_secret_expires_at;
  if (expires !== undefined && expires !== 0 && expires * 1000 < Date.now() + 60_000) return false;
  const wanted = metadata.redirect_uris ?? [];
  return wanted.every((uri) => client.redirect_uris?.includes(uri) ?? true);
}

async function register(
  server: AuthorizationServerMetadata,
  options: ClientIdentityOptions,
): Promise<StoredClient> {
  if (!server.registration_endpoint) {
    throw new ErlmcpError(
      'ERR_OAUTH_REGISTRATION',
      `No client identity for ${server.issuer}: nothing pre-registered, no Client ID Metadata Document support, no registration endpoint`,
    );
  }
  const url = new URL(server.registration_endpoint);
  const metadata = { ...options.clientMetadata };
  metadata.application_type ??= applicationType(metadata.redirect_uris ?? []);
  const { response, answer: body } = await postToEndpoint(
    url,
    {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(metadata),
    },
    options,
    'ERR_OAUTH_REGISTRATION',
    'Client registration',
  );
  if ((response.status !== 200 && response.status !== 201) || typeof body?.client_id !== 'string') {
    throw new ErlmcpError(
      'ERR_OAUTH_REGISTRATION',
      `Client registration at ${url.origin} refused (HTTP ${response.status})${oauthErrorOf(body)}`,
    );
  }
  return {
    kind: 'client',
    issuer: server.issuer,
    client_id: body.client_id,
    ...(typeof body.client_secret === 'string' ? { client_secret: body.client_secret } : {}),
    ...(typeof body.token_endpoint_auth_method === 'string'
      ? { token_endpoint_auth_method: body.token_endpoint_auth_method }
      : {}),
    ...(typeof body.client_secret_expires_at === 'number'
      ? { client_secret_expires_at: body.client_secret_expires_at }
      : {}),
    redirect_uris: Array.isArray(body.redirect_uris)
      ? (body.redirect_uris as string[])
      : (metadata.redirect_uris ?? []),
  };
}

/** `native` when every redirect URI is a loopback or private-use one (MCP client registration). */
export function applicationType(redirectUris: string[]): 'native' | 'web' {
  const native = redirectUris.every((uri) => {
    try {
      const url = new URL(uri);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return true;
      return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    } catch {
      return false;
    }
  });
  return native ? 'native' : 'web';
}
