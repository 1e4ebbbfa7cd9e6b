import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(root, 'dist/src/cli/main.js');
export const EVERYTHING = join(root, 'dist/examples/everything.js');

/** `erlmcp serve` on the built everything example; `npm test` builds first. */
export function everythingCommand(): { command: string; args: string[] } {
  if (!existsSync(CLI) || !existsSync(EVERYTHING)) {
    throw new Error(`Built files missing (${CLI}); run "npm run build" (npm test does it)`);
  }
  return { command: process.execPath, args: [CLI, 'serve', EVERYTHING, '--transport', 'stdio'] };
}
