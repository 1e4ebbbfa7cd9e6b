import { extname } from 'node:path';

/** What decides whether a .ts module can be imported: the Node version and its type-stripping switch. */
export interface NodeRuntime {
  /** `process.versions.node`, e.g. "22.18.0". */
  version: string;
  /** `process.features.typescript` (Node >= 22.10): "strip", "transform", or false when turned off. */
  typescript: string | false | undefined;
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

export function currentRuntime(): NodeRuntime {
  const features = process.features as { typescript?: string | false };
  return { version: process.versions.node, typescript: features.typescript };
}

/**
 * Why this Node refused to load `modulePath` (ERR_UNKNOWN_FILE_EXTENSION), and what to do instead.
 * Node strips TypeScript types by default from 22.18 and 23.6; from 22.6 (and on 23.0-23.5) only
 * with --experimental-strip-types; before 22.6 not at all.
 */
export function unknownExtensionAdvice(modulePath: string, runtime: NodeRuntime = currentRuntime()): string {
  const loader = `run erlmcp under a loader: node --import tsx ./node_modules/.bin/erlmcp serve ${modulePath}`;
  if (!TYPESCRIPT.has(extname(modulePath)) || runtime.typescript) {
    return `${modulePath}: Node cannot load this file type. Build it to JavaScript first (e.g. tsc) and serve the .js file, or ${loader}`;
  }
  const [major = 0, minor = 0] = runtime.version.split('.').map(Number);
  const at = (m: number, n: number) => major > m || (major === m && minor >= n);
  if (at(22, 18) && !(major === 23 && minor < 6)) {
    return `${modulePath}: type stripping is turned off in this Node (v${runtime.version}): drop --no-experimental-strip-types (from the command or NODE_OPTIONS), or build it to JavaScript (tsc) and serve the .js file`;
  }
  if (at(22, 6)) {
    return `${modulePath}: Node v${runtime.version} strips TypeScript types only when asked: NODE_OPTIONS=--experimental-strip-types erlmcp serve ${modulePath} (Node >= 22.18 does it by default), or build it to JavaScript (tsc) and serve the .js file`;
  }
  return `${modulePath}: Node v${runtime.version} cannot run TypeScript. Build it to JavaScript first (tsc) and serve the .js file, use Node >= 22.18 (it strips types by default), or ${loader}`;
}

/** TypeScript that Node can strip but not run (enum, namespace, parameter properties…). */
export function unsupportedSyntaxAdvice(modulePath: string, message: string): string {
  return `${modulePath}: ${message}. Node only erases types: keep to erasable syntax (tsconfig "erasableSyntaxOnly"), build it to JavaScript (tsc), or run erlmcp under a loader (node --import tsx)`;
}
