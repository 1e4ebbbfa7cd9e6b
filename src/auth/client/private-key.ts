import { webcrypto } from 'node:crypto';

/**
 * A PKCS#8 PEM private key as a WebCrypto key for `private_key_jwt` (RFC 7523), by JWS algorithm.
 * Done with `crypto.subtle` so the client needs no JOSE library.
 */
const ALGORITHMS: Record<
  string,
  webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm
> = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  PS384: { name: 'RSA-PSS', hash: 'SHA-384' },
  PS512: { name: 'RSA-PSS', hash: 'SHA-512' },
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

export async function importPrivateKey(pem: string, algorithm: string): Promise<webcrypto.CryptoKey> {
  const params = ALGORITHMS[algorithm];
  if (!params) throw new TypeError(`Unsupported private_key_jwt algorithm ${algorithm}`);
  const body = pem.replace(/-----(?:BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, params, false, ['sign']);
}
