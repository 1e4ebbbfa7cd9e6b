import { readFileSync } from 'node:fs';
import type { PeerCertificate, SecureContextOptions, TLSSocket } from 'node:tls';

/** PEM given inline (string/Buffer) or as `{ path }` to read (and re-read on `reload()`). */
export type PemSource = string | Buffer | { path: string };

/**
 * TLS for every network transport (https, wss, tls://). With `clientCa` and `requireClientCert`,
 * clients must present a certificate signed by that CA (mutual TLS); its identity becomes the
 * request's principal.
 */
export interface TlsOptions {
  cert: PemSource;
  key: PemSource;
  /** CA bundle that client certificates must chain to (mutual TLS). */
  clientCa?: PemSource;
  /** Refuse clients without a valid certificate during the handshake. Default: true when clientCa is set. */
  requireClientCert?: boolean;
  /** Key passphrase. */
  passphrase?: string;
}

function read(source: PemSource): string | Buffer {
  return typeof source === 'object' && !Buffer.isBuffer(source) ? readFileSync(source.path) : source;
}

/** Node's server options for `https.createServer` / `tls.createServer` (files read now). */
export function serverTlsOptions(options: TlsOptions): SecureContextOptions & {
  requestCert: boolean;
  rejectUnauthorized: boolean;
} {
  const mutual = options.clientCa !== undefined;
  const require = options.requireClientCert ?? mutual;
  return {
    cert: read(options.cert),
    key: read(options.key),
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    ...(mutual ? { ca: read(options.clientCa!) } : {}),
    requestCert: mutual,
    rejectUnauthorized: require,
  };
}

/** A server whose certificates can be swapped without a restart. */
export interface SecureContextHolder {
  setSecureContext(options: SecureContextOptions): void;
}

/** Re-reads the certificate files and installs them: new handshakes use them, open connections keep theirs. */
export function reloadTls(server: SecureContextHolder, options: TlsOptions): void {
  const { requestCert: _requestCert, rejectUnauthorized: _reject, ...context } = serverTlsOptions(options);
  server.setSecureContext(context);
}

/**
 * The principal of a mutually authenticated peer: the first DNS or URI SAN, else the subject CN,
 * e.g. `spiffe://cluster/ns/app` or `billing-service`. Undefined when the peer is not authorized.
 */
export function principalOf(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const certificate: PeerCertificate = socket.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return undefined;
  const san = certificate.subjectaltname
    ?.split(', ')
    .map((entry) => entry.split(':'))
    .find(([kind]) => kind === 'URI' || kind === 'DNS');
  if (san) return san.slice(1).join(':');
  const cn = certificate.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}
