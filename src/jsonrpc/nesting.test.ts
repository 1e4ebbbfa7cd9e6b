import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/error-codes.js';
import { DEEP_PARAMS_LEVELS, deepParamsError, nestsDeeperThan } from './nesting.js';

const nested = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;
const overflow = () => new RangeError('Maximum call stack size exceeded');

describe('nestsDeeperThan', () => {
  it('counts array and object levels; scalars have none', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(100_000), 99_999)).toBe(true);
    expect(nestsDeeperThan(nested(100_000), 100_000)).toBe(false);
  });
});

describe('deepParamsError', () => {
  it('blames the deep field of a request whose handling overflowed the stack', () => {
    const error = deepParamsError(overflow(), {
      name: 'tool',
      arguments: { tree: nested(DEEP_PARAMS_LEVELS) },
    });
    expect(error?.toJson()).toEqual({
      code: ErrorCode.InvalidParams,
      message: `params.arguments nests too deeply to be processed (over ${DEEP_PARAMS_LEVELS} levels)`,
    });
  });

  it('leaves other failures alone: shallow params, or another error', () => {
    expect(deepParamsError(overflow(), { arguments: nested(DEEP_PARAMS_LEVELS - 1) })).toBeUndefined();
    expect(deepParamsError(overflow(), undefined)).toBeUndefined();
    expect(deepParamsError(new Error('boom'), { arguments: nested(1000) })).toBeUndefined();
  });
});
