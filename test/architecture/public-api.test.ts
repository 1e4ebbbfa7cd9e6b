import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// docs/api.md lists every public name of every entry point, and nothing else: a name added to an
// entry without being documented (or an internal one leaking out) fails here.

const SUBPATHS = [
  'stdio',
  'http',
  'websocket',
  'tcp',
  'memory',
  'client',
  'metrics',
  'tracing',
  'logging',
  'observer',
  'auth',
];
const ENTRIES: Record<string, string> = {
  erlmcp: 'src/index.ts',
  ...Object.fromEntries(SUBPATHS.map((name) => [`erlmcp/${name}`, `src/exports/${name}.ts`])),
};

function exportedNames(): Record<string, string[]> {
  const program = ts.createProgram(Object.values(ENTRIES), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return Object.fromEntries(
    Object.entries(ENTRIES).map(([entry, file]) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
      return [
        entry,
        checker
          .getExportsOfModule(module)
          .map((symbol) => symbol.name)
          .sort(),
      ];
    }),
  );
}

/** The names under each `## \`entry\`` heading of docs/api.md (every `name` in backticks). */
function documentedNames(): Record<string, string[]> {
  const text = readFileSync('docs/api.md', 'utf8');
  const sections = text.split(/^## /m).slice(1);
  return Object.fromEntries(
    sections.map((section) => {
      const [heading = '', ...body] = section.split('\n');
      const entry = /`([^`]+)`/.exec(heading)?.[1] ?? heading;
      const names = [...body.join('\n').matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((match) => match[1]!);
      return [entry, [...new Set(names)].sort()];
    }),
  );
}

describe('docs/api.md', () => {
  it('lists exactly the names each entry point exports', () => {
    expect(documentedNames()).toEqual(exportedNames());
  }, 60_000);
});
