import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where tests put temporary files (test certificates); every test worker, and every `erlmcp serve` a
 * test starts, inherits it. Not `ERLMCP_*`: `erlmcp serve` refuses variables that name no config key.
 */
export const TEST_TMP_ENV = 'TEST_TMP_ERLMCP';

/**
 * vitest global set-up: one temporary directory for the whole run, removed when the run ends. A
 * worker killed mid-run never runs its own `exit` handlers, so per-process clean-up alone leaked
 * directories of private keys into /tmp.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'erlmcp-test-'));
  process.env[TEST_TMP_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
