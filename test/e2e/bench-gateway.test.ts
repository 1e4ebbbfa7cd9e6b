/** bench/gateway.ts runs end to end (one short round) and writes its result; skipped without wrk. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../dist/bench/gateway.js', import.meta.url));
const hasWrk = !spawnSync('wrk', ['--version']).error;

describe.skipIf(!hasWrk)('bench/gateway.ts', () => {
  it('measures direct and through the gateway, and counts tools/list reaching the upstream', () => {
    const dir = mkdtempSync(join(tmpdir(), 'erlmcp-bench-gateway-'));
    try {
      const out = join(dir, 'result.json');
      const run = spawnSync(
        process.execPath,
        [SCRIPT, '--seconds', '1', '--rounds', '1', '--lists', '5', '--json', out],
        { encoding: 'utf8', timeout: 90_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /through \/ direct: audit off [\d.]+, audit on [\d.]+ .*a bare Node relay .*: [\d.]+/,
      );
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.targets.map((target: { name: string }) => target.name)).toEqual([
        'erlmcp, direct to the upstream',
        'erlmcp, gateway, audit off',
        'erlmcp, gateway, audit on',
        'erlmcp, bare Node relay (floor)',
      ]);
      for (const target of result.targets) expect(target.median).toBeGreaterThan(0);
      expect(result.ratio.value).toBeGreaterThan(0);
      // Within ttlMs only the gateway's first read reaches the upstream; without, every list does too.
      expect(run.stdout).toContain(
        '5 tools/list through the gateway: 1 reached the upstream with ttlMs 60000',
      );
      expect(run.stdout).toMatch(/, [67] without ttlMs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
