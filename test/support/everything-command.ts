import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

export const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
export const EVERYTHING = join(REPO_ROOT, 'dist/examples/everything.js');

/** `erlmcp serve` on the built everything example; `npm test` builds first. */
export function everythingCommand(): { command: string; args: string[] } {
  if (!existsSync(CLI) || !existsSync(EVERYTHING)) {
    throw new Error(`Built files missing (${CLI}); run "npm run build" (npm test does it)`);
  }
  return { command: process.execPath, args: [CLI, 'serve', EVERYTHING, '--transport', 'stdio'] };
}
