import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TMP_ENV } from '../support/global-setup.js';

// The package as npm publishes it, used as a user would: `npm pack`, the tarball installed into a
// project outside the repo, the README's TypeScript blocks compiled there with `strict` and
// `skipLibCheck: false` by TypeScript 5.x and the newest TypeScript, then the README client run
// against the README server. The README's blocks marked `<!-- packed-test: NAME -->` are this test's
// source, so the README cannot drift from what works.
//
// Offline install: tests never reach the registry, and `npm install --offline ./erlmcp-*.tgz` needs
// every dependency's registry metadata in npm's cache, which `npm ci` does not leave there. So the
// tarball is unpacked with tar into node_modules/erlmcp as real files (only what `files` ships), and
// each of its declared `dependencies` is a symlink to the repo's installed copy. Node and TypeScript
// follow a symlink to its real path, so a dependency finds its own dependencies in the repo, while
// the package's own files, living outside the repo, see only node_modules entries the consumer made:
// the package's declared dependencies and the consumer's own (@types/node; zod, express, fastify for
// the README's code, in a folder of their own). A file missing from `files`, an undeclared import or
// an @types package missing from `dependencies` fails here as it would for a user.
//
// Runs against the build (`npm test` builds first); `npm pack --ignore-scripts` skips prepack, whose
// build is checked in package.json instead of run twice.

const ROOT = process.cwd();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  scripts: Record<string, string>;
  bin: Record<string, string>;
  files: string[];
  exports: Record<string, { types: string; default: string } | string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const run = promisify(execFile);

/** The README's user's own dependencies, beside erlmcp's. */
const README_DEPENDENCIES = ['zod', 'express', '@types/express', 'fastify'];
/** Free names of a block that is compiled only, declared with their real types. */
const PRELUDES: Record<string, string> = {
  'http.ts': [
    "import type { McpServer } from 'erlmcp';",
    "import type { Express } from 'express';",
    "import type { FastifyInstance } from 'fastify';",
    'declare const server: McpServer;',
    'declare const app: Express;',
    'declare const fastify: FastifyInstance;',
    '',
  ].join('\n'),
  'auth.ts': ["import type { McpServer } from 'erlmcp';", 'declare const server: McpServer;', ''].join('\n'),
};

/**
 * Each TypeScript the examples must compile with: the repo's 5.x, and the newest, which the dev
 * dependency erlmcp-test-compilers (test/package/compilers) installs in a node_modules of its own so
 * that its `tsc` never takes the repo's node_modules/.bin/tsc.
 */
const COMPILERS = [ROOT, join(ROOT, 'node_modules/erlmcp-test-compilers')].map((from) => {
  const where = join(from, 'node_modules/typescript/package.json');
  if (!existsSync(where)) return { version: `missing at ${relative(ROOT, where)} (run npm ci)`, tsc: '' };
  const manifest = JSON.parse(readFileSync(where, 'utf8')) as { version: string; bin: { tsc: string } };
  return { version: manifest.version, tsc: join(dirname(where), manifest.bin.tsc) };
});

/** The ```ts blocks of README.md by their marker's file name; a block without a marker is an error. */
function readmeBlocks(): Map<string, string> {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const match of text.matchAll(/<!-- packed-test: (\S+)[^>]*-->\n```ts\n([\s\S]*?)\n```/g))
    blocks.set(match[1]!, `${match[2]!}\n`);
  const fences = text.match(/^```ts$/gm)?.length ?? 0;
  if (fences !== blocks.size)
    throw new Error(
      `README.md has ${fences} \`\`\`ts blocks but ${blocks.size} marked <!-- packed-test: NAME.ts -->: mark each`,
    );
  return blocks;
}

function link(nodeModules: string, name: string): void {
  const target = join(ROOT, 'node_modules', name);
  if (!existsSync(target)) throw new Error(`${name} is not installed in the repo (run npm ci)`);
  mkdirSync(dirname(join(nodeModules, name)), { recursive: true });
  symlinkSync(target, join(nodeModules, name), 'dir');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const childEnv = { ...process.env, NODE_PATH: '' };
let consumer = '';
let installed = '';
let packedFiles: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/index.js'))) throw new Error('no dist/: run npm run build first');
  consumer = mkdtempSync(join(process.env[TEST_TMP_ENV] ?? tmpdir(), 'erlmcp-packed-'));
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', consumer],
    {
      cwd: ROOT,
      timeout: 60_000,
    },
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packedFiles = packed.files.map((file) => file.path);

  installed = join(consumer, 'node_modules', pkg.name);
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(consumer, packed.filename), '-C', installed, '--strip-components=1']);
  for (const name of Object.keys(pkg.dependencies)) link(join(consumer, 'node_modules'), name);
  link(join(consumer, 'node_modules'), '@types/node');
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        module: 'nodenext',
        target: 'es2022',
        types: ['node'],
      },
      include: ['*.ts', 'readme/*.ts'],
    }),
  );
  // Every entry point of the exports map, as a user imports it.
  const entries = Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key, i) => `export * as e${i} from '${join(pkg.name, key)}';`);
  writeFileSync(join(consumer, 'entries.ts'), `${entries.join('\n')}\n`);

  const readme = join(consumer, 'readme');
  mkdirSync(readme);
  for (const name of README_DEPENDENCIES) link(join(readme, 'node_modules'), name);
  for (const [file, code] of readmeBlocks()) writeFileSync(join(readme, file), (PRELUDES[file] ?? '') + code);
}, 90_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the license, the build of every export and bin, and builds before packing', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(packedFiles).toContain('LICENSE');
    const targets = Object.values(pkg.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.default],
    );
    for (const target of [...targets, ...Object.values(pkg.bin)])
      expect(packedFiles, `${target} is not in the tarball`).toContain(target.replace(/^\.\//, ''));
    expect(packedFiles.filter((file) => /\.test\.|^src\/|^test\//.test(file))).toEqual([]);
  });

  it('imports only its declared dependencies and node builtins (optional peers only lazily)', () => {
    const imported = new Set<string>();
    const importedStatically = new Set<string>();
    for (const file of filesUnder(installed).filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/(\bfrom|\bimport\s*\(?)\s*['"]([^'"./][^'"]*)['"]/g)) {
        const specifier = match[2]!;
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        if (specifier.startsWith('node:') || builtinModules.includes(name)) continue;
        imported.add(name);
        if (!match[1]!.includes('(')) importedStatically.add(name);
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    const optionalPeers = Object.keys(pkg.peerDependenciesMeta ?? {}).filter(
      (name) => pkg.peerDependenciesMeta?.[name]?.optional,
    );
    for (const name of imported) {
      if (optionalPeers.includes(name)) {
        // An optional peer (@redis/client) is loaded only when configured: never a static import.
        expect(importedStatically.has(name), `${name} is imported statically`).toBe(false);
        expect(pkg.peerDependencies, `${name} is a peer dependency`).toHaveProperty([name]);
      } else expect(pkg.dependencies, `${name} is imported`).toHaveProperty([name]);
    }
  });

  it('resolves erlmcp to the tarball and nothing the consumer did not install', () => {
    const fromReadme = createRequire(join(consumer, 'readme', 'client.ts'));
    expect(fromReadme.resolve(`${pkg.name}/package.json`)).toBe(
      realpathSync(join(installed, 'package.json')),
    );
    expect(() => createRequire(join(consumer, 'entries.ts')).resolve('zod')).toThrow();
  });

  it.each(COMPILERS)(
    'compiles the README and every entry point with TypeScript $version (strict, no skipLibCheck); the README client gets the README server’s answer',
    async ({ version, tsc }) => {
      expect(tsc, `TypeScript ${version}`).not.toBe('');
      for (const dir of [consumer, join(consumer, 'readme')])
        for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) rmSync(join(dir, file));
      const compiled = await run(process.execPath, [tsc, '-p', consumer, '--pretty', 'false'], {
        cwd: consumer,
        env: childEnv,
        timeout: 90_000,
      }).catch((error: { stdout?: string; message: string }) => ({ stdout: error.stdout ?? error.message }));
      expect(compiled.stdout.trim()).toBe('');

      await run(process.execPath, ['entries.js'], { cwd: consumer, env: childEnv, timeout: 20_000 });
      const { stdout } = await run(process.execPath, ['client.js'], {
        cwd: join(consumer, 'readme'),
        env: childEnv,
        timeout: 20_000,
      });
      expect(stdout).toContain("text: 'Sunny in Oslo'");
    },
    120_000,
  );
});
