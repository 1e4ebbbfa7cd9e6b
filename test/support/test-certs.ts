import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsOptions } from '../../src/transports/tls/tls-options.js';
import { TEST_TMP_ENV } from './global-setup.js';

/** PEM files generated for one test run: never committed, gone with the temp directory. */
export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Signed by `ca`; SAN URI spiffe://erlmcp.test/client-a. */
  clientCert: string;
  clientKey: string;
  /** Signed by another CA. */
  foreignClientCert: string;
  foreignClientKey: string;
  /** Signed by `ca`, valid only in 2020. */
  expiredClientCert: string;
  expiredClientKey: string;
  /** A second server certificate from `ca` (CN erlmcp-reloaded), to test reloading. */
  reloadedServerCert: string;
  reloadedServerKey: string;
  read(path: string): Buffer;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(
      `openssl ${args[0]} failed (TLS tests need the openssl binary: apt-get install -y openssl): ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
    );
  }
}

/** A CA and certificates for server, client, a foreign client and an expired client (EC P-256, fast). */
export function generateTestCerts(): TestCerts {
  // Inside the run's temporary directory (removed when the run ends), else the system's.
  const dir = mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), 'erlmcp-certs-'));
  // Private keys do not outlive the test process.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const key = (name: string) =>
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  const selfSigned = (name: string, cn: string) => {
    key(name);
    openssl(dir, [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${cn}`,
      '-days',
      '2',
      '-out',
      `${name}.crt`,
    ]);
  };
  const signed = (name: string, ca: string, cn: string, san: string, validity: string[] = ['-days', '2']) => {
    key(name);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
      ...validity,
    ]);
  };
  selfSigned('ca', 'erlmcp test CA');
  selfSigned('other-ca', 'another CA');
  signed('server', 'ca', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  signed('reloaded', 'ca', 'erlmcp-reloaded', 'DNS:localhost,IP:127.0.0.1');
  signed('client', 'ca', 'client-a', 'URI:spiffe://erlmcp.test/client-a');
  signed('foreign', 'other-ca', 'intruder', 'URI:spiffe://elsewhere/intruder');
  expiredCert(dir, key);
  const path = (file: string) => join(dir, file);
  return {
    dir,
    ca: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    foreignClientCert: path('foreign.crt'),
    foreignClientKey: path('foreign.key'),
    expiredClientCert: path('expired.crt'),
    expiredClientKey: path('expired.key'),
    reloadedServerCert: path('reloaded.crt'),
    reloadedServerKey: path('reloaded.key'),
    read: (file) => readFileSync(file),
  };
}

/** `openssl ca` is the one OpenSSL 3.0 command that can backdate a certificate. */
function expiredCert(dir: string, key: (name: string) => void): void {
  key('expired');
  openssl(dir, ['req', '-new', '-key', 'expired.key', '-subj', '/CN=expired-client', '-out', 'expired.csr']);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nserial = serial\nnew_certs_dir = .\ncertificate = ca.crt\nprivate_key = ca.key\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n`,
  );
  openssl(dir, [
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-in',
    'expired.csr',
    '-out',
    'expired.crt',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-notext',
  ]);
}

/** Server options for mutual TLS with these certificates (files, so reloading can be tested). */
export function serverMutualTls(
  c: TestCerts,
): TlsOptions & Record<'cert' | 'key' | 'clientCa', { path: string }> {
  return { cert: { path: c.serverCert }, key: { path: c.serverKey }, clientCa: { path: c.ca } };
}

/** `erlmcp serve` flags for a mutual-TLS server with these certificates. */
export function cliTlsFlags(c: TestCerts): string[] {
  return ['--tls-cert', c.serverCert, '--tls-key', c.serverKey, '--tls-client-ca', c.ca];
}

/** What a client presents to a mutual-TLS server with these certificates (the `client-a` identity). */
export function clientTls(c: TestCerts): { ca: Buffer; cert: Buffer; key: Buffer } {
  return { ca: c.read(c.ca), cert: c.read(c.clientCert), key: c.read(c.clientKey) };
}
