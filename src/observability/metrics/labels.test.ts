import { describe, expect, it } from 'vitest';
import { eraLabel, methodLabel, OTHER, toolLabel, transportLabel } from './labels.js';

describe('metric labels stay bounded', () => {
  it('keeps known MCP methods of both eras and folds the rest into _other', () => {
    for (const method of ['tools/call', 'initialize', 'ping', 'server/discover', 'subscriptions/listen'])
      expect(methodLabel(method)).toBe(method);
    expect(methodLabel('tools/cal')).toBe(OTHER);
    expect(methodLabel(`x/${'y'.repeat(1000)}`)).toBe(OTHER);
  });

  it('names a tool only while it is registered; other methods have an empty tool', () => {
    const tools = new Map([['echo', {}]]);
    expect(toolLabel('tools/call', 'echo', tools)).toBe('echo');
    expect(toolLabel('tools/call', 'made-up', tools)).toBe(OTHER);
    expect(toolLabel('tools/call', undefined, tools)).toBe(OTHER);
    expect(toolLabel('prompts/get', 'echo', tools)).toBe('');
    tools.delete('echo');
    expect(toolLabel('tools/call', 'echo', tools)).toBe(OTHER);
  });

  it('maps era and transport to fixed values', () => {
    expect(eraLabel('legacy')).toBe('legacy');
    expect(eraLabel(undefined)).toBe('');
    expect(transportLabel('http')).toBe('http');
    expect(transportLabel('carrier-pigeon')).toBe(OTHER);
  });
});
