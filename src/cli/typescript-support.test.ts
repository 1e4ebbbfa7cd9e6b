import { describe, expect, it } from 'vitest';
import { unknownExtensionAdvice } from './typescript-support.js';

describe('advice for a TypeScript module Node would not load', () => {
  const advice = (version: string, typescript?: string | false) =>
    unknownExtensionAdvice('server.ts', { version, typescript });

  it('before Node 22.6: build it, move to Node >= 22.18, or use a loader', () => {
    const text = advice('20.11.0');
    expect(text).toMatch(
      /^server\.ts: Node v20\.11\.0 cannot run TypeScript\. Build it to JavaScript first \(tsc\)/,
    );
    expect(text).toContain('use Node >= 22.18');
    expect(text).toContain('node --import tsx ./node_modules/.bin/erlmcp serve server.ts');
  });

  it('from 22.6 until stripping became the default: the flag that turns it on', () => {
    for (const [version, typescript] of [
      ['22.6.0', undefined],
      ['22.17.1', false],
      ['23.5.0', false],
    ] as const) {
      expect(advice(version, typescript)).toContain(
        'NODE_OPTIONS=--experimental-strip-types erlmcp serve server.ts',
      );
    }
  });

  it('where stripping is the default but was turned off: the flag that turned it off', () => {
    expect(advice('22.18.0', false)).toContain('drop --no-experimental-strip-types');
    expect(advice('24.1.0', false)).toContain('drop --no-experimental-strip-types');
  });

  it('for a file Node cannot load whatever its version, no talk of type stripping', () => {
    expect(unknownExtensionAdvice('server.tsx', { version: '24.1.0', typescript: 'strip' })).toMatch(
      /^server\.tsx: Node cannot load this file type\. Build it to JavaScript first/,
    );
  });
});
