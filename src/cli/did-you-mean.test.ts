import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggestion } from './did-you-mean.js';

describe('didYouMean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('htp', 'http')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest candidate only when it is close enough to be a typo', () => {
    const flags = ['--transport', '--host', '--port', '--path', '--observer', '--workers'];
    expect(didYouMean('--prot', flags)).toBe('--port');
    expect(didYouMean('--tranport', flags)).toBe('--transport');
    expect(didYouMean('--bogus', flags)).toBeUndefined();
    expect(didYouMean('htp', ['stdio', 'http', 'ws', 'tcp'])).toBe('http');
    expect(didYouMean('carrier-pigeon', ['stdio', 'http', 'ws', 'tcp'])).toBeUndefined();
  });

  it('falls back to the only candidate a word abbreviates', () => {
    expect(didYouMean('--obs', ['--observer', '--host'])).toBe('--observer');
    expect(didYouMean('--c', ['--config', '--connections'])).toBeUndefined();
  });

  it('words the suggestion for an error message', () => {
    expect(suggestion('htp', ['http'])).toBe('; did you mean "http"?');
    expect(suggestion('--prot', ['--port'], false)).toBe('; did you mean --port?');
    expect(suggestion('zzz', ['http'])).toBe('');
  });
});
