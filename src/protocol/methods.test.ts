import { describe, expect, it } from 'vitest';
import { LIST_CHANGED, methodRow, methodsWhere, staleAfter } from './methods.js';

describe('the method table', () => {
  it('answers only for its own rows: wire names such as constructor are unknown', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(methodRow(name)).toBeUndefined();
      expect(staleAfter(name)).toBeUndefined();
    }
    expect(methodRow('tools/call')).toMatchObject({ nameField: 'name', mayRequireInput: true });
  });

  it('derives the sets every layer uses', () => {
    expect([...methodsWhere('cacheable')].sort()).toEqual([
      'prompts/list',
      'resources/list',
      'resources/read',
      'resources/templates/list',
      'server/discover',
      'tools/list',
    ]);
    expect([...methodsWhere('longLived')].sort()).toEqual(['subscriptions/listen', 'tasks/result']);
    expect([...methodsWhere('mayRequireInput')].sort()).toEqual([
      'prompts/get',
      'resources/read',
      'tools/call',
    ]);
    expect(staleAfter(LIST_CHANGED.tools.notification)).toBe('tools/list');
  });

  it('checks result shapes', () => {
    expect(methodRow('tools/list')?.resultCheck?.({ tools: [] })).toBe(true);
    expect(methodRow('tools/list')?.resultCheck?.({ tools: 'no' })).toBe(false);
  });
});
