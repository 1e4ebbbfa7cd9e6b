/** `npm run bench` without wrk says so up front (it used to fail minutes in, at the first HTTP scenario). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN_ALL = fileURLToPath(new URL('../../dist/bench/run-all.js', import.meta.url));

describe('npm run bench', () => {
  it('exits 2 naming wrk and how to install it when wrk is not on PATH, before running anything', () => {
    const run = spawnSync(process.execPath, [RUN_ALL, '--quick'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('npm run bench needs wrk');
    expect(run.stderr).toContain('apt-get install wrk');
    // Nothing was benchmarked first.
    expect(run.stdout).not.toContain('stdio tools/call');
  });
});
