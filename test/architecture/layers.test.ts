import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layer order of docs/architecture.md, enforced: a file may import its own layer and the ones
// below it, never one above. Tests are left out (they may reach anywhere to drive what they test).

const LAYERS: readonly (readonly string[])[] = [
  ['protocol'],
  ['jsonrpc'],
  ['core'],
  ['schema'],
  ['admission'],
  ['server'],
  ['client'],
  ['auth'],
  ['transports'],
  ['scale'],
  ['observability'],
  ['serve'],
  ['gateway'],
  ['cli', 'exports', 'index.ts'],
];

const SRC = join(process.cwd(), 'src');

function layerOf(file: string): number {
  const top = relative(SRC, file).split('/')[0]!;
  const index = LAYERS.findIndex((names) => names.includes(top));
  if (index === -1)
    throw new Error(
      `${relative(SRC, file)}: src/${top} is in no layer (add it to docs/architecture.md and here)`,
    );
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Every relative import of every source file, as [importer, imported] paths. */
function imports(): [string, string][] {
  return sourceFiles(SRC).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(IMPORT)].map((match): [string, string] => [
      file,
      normalize(join(dirname(file), match[1] ?? match[2]!)),
    ]);
  });
}

describe('layers', () => {
  it('no import runs from a lower layer to a higher one', () => {
    const all = imports();
    expect(all.length).toBeGreaterThan(300);
    const upward = all
      .filter(([from, to]) => layerOf(to) > layerOf(from))
      .map(([from, to]) => `${relative(SRC, from)} -> ${relative(SRC, to)}`);
    expect(upward).toEqual([]);
  });

  it('auth/ imports only protocol/, jsonrpc/, core/ and itself', () => {
    const allowed = ['protocol', 'jsonrpc', 'core', 'auth'];
    const stray = imports()
      .filter(([from]) => relative(SRC, from).startsWith('auth/'))
      .filter(([, to]) => !allowed.includes(relative(SRC, to).split('/')[0]!))
      .map(([from, to]) => `${relative(SRC, from)} -> ${relative(SRC, to)}`);
    expect(stray).toEqual([]);
  });

  it('the check sees an upward import when there is one', () => {
    const server = join(SRC, 'server/mcp-server.ts');
    const transport = join(SRC, 'transports/http/streamable-http-handler.ts');
    expect(layerOf(transport)).toBeGreaterThan(layerOf(server));
    expect([
      ...`import { x } from '../transports/http/streamable-http-handler.js';`.matchAll(IMPORT),
    ]).toHaveLength(1);
  });
});
