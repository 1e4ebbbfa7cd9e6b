import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The published types compile in a consumer's project without skipLibCheck: every package a .d.ts
// imports is a dependency, and one that ships no types has its @types package as a dependency too.
// Runs against the build (`npm test` builds first).

const DIST = join(process.cwd(), 'dist/src');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function shipsTypes(name: string): boolean {
  const manifest = JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return Boolean(manifest.types ?? manifest.typings) || existsSync(join('node_modules', name, 'index.d.ts'));
}

describe('published types', () => {
  it('import only dependencies, with types', () => {
    const packages = new Set<string>();
    for (const file of declarationFiles(DIST)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from '([^'.][^']*)'/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:')) continue;
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
        );
      }
    }
    expect(packages.size).toBeGreaterThan(3);
    for (const name of packages) {
      expect(pkg.dependencies, `${name} is imported by a .d.ts`).toHaveProperty([name]);
      if (!shipsTypes(name))
        expect(pkg.dependencies, `${name} ships no types`).toHaveProperty([`@types/${name}`]);
    }
  });

  it('compile without skipLibCheck from every entry point', () => {
    const entries = [
      'index',
      ...readdirSync(join(DIST, 'exports'))
        .filter((f) => f.endsWith('.d.ts'))
        .map((f) => `exports/${f.slice(0, -5)}`),
    ];
    const consumer = join(process.cwd(), 'dist', `consumer-${process.pid}.ts`);
    writeFileSync(
      consumer,
      entries.map((entry, i) => `export * as e${i} from './src/${entry}.js';`).join('\n'),
    );
    try {
      const program = ts.createProgram([consumer], {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      expect(problems).toEqual([]);
    } finally {
      rmSync(consumer, { force: true });
    }
  }, 60_000);
});
