import { randomBytes, webcrypto } from 'node:crypto';
import * as oauth from 'oauth4webapi';

/**
 * DPoP (RFC 9449) for one client: a P-256 key pair, the oauth4webapi handle that adds proofs to token
 * requests (and learns the authorization server's nonces), and proofs for requests to MCP servers:
 * one per request (fresh `jti`), bound to the access token (`ath`), with the server's last nonce.
 */
export class DpopProver {
  readonly handle: oauth.DPoPHandle;
  readonly #keyPair: webcrypto.CryptoKeyPair;
  readonly #nonces = new Map<string, string>();
  #jwk: Promise<webcrypto.JsonWebKey> | undefined;

  constructor(keyPair: webcrypto.CryptoKeyPair) {
    this.#keyPair = keyPair;
    this.handle = oauth.DPoP({}, keyPair as Parameters<typeof oauth.DPoP>[1]);
  }

  /** A new ES256 key pair (the private key not extractable). */
  static async generate(): Promise<DpopProver> {
    return new DpopProver((await oauth.generateKeyPair('ES256')) as webcrypto.CryptoKeyPair);
  }

  /** A DPoP proof for `method url` presenting `accessToken`. */
  async proof(method: string, url: URL, accessToken: string): Promise<string> {
    this.#jwk ??= webcrypto.subtle.exportKey('jwk', this.#keyPair.publicKey);
    const { kty, crv, x, y } = await this.#jwk;
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } };
    const digest = await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
    const nonce = this.#nonces.get(url.origin);
    const payload = {
      jti: randomBytes(16).toString('base64url'),
      htm: method,
      htu: `${url.origin}${url.pathname}`,
      iat: Math.floor(Date.now() / 1000),
      ath: Buffer.from(digest).toString('base64url'),
      ...(nonce === undefined ? {} : { nonce }),
    };
    const input = `${base64url(header)}.${base64url(payload)}`;
    const signature = await webcrypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      this.#keyPair.privateKey,
      new TextEncoder().encode(input),
    );
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
  }

  /** Remembers the `DPoP-Nonce` a server sent (RFC 9449 §8, §9); true when there was one. */
  rememberNonce(url: URL, response: Response): boolean {
    const nonce = response.headers.get('dpop-nonce');
    if (!nonce) return false;
    this.#nonces.set(url.origin, nonce);
    return true;
  }
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
