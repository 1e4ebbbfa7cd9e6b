import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The repository root, whether this module runs from test/support (vitest) or from its compiled copy
 * in dist/test/support (test/conformance/run-suites.mjs imports the scale cluster from there).
 */
export const REPO_ROOT = existsSync(join(here, '../../package.json'))
  ? join(here, '../..')
  : join(here, '../../..');
