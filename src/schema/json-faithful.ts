import { pointerToken } from './issues.js';

/**
 * The one number rule of the schema layer: values are judged as JSON carries them. JSON has no NaN
 * or Infinity; `JSON.parse('1e400')` gives Infinity and `JSON.stringify(Infinity)` gives `null`, so a
 * validator that sees the JavaScript value would pass what the wire cannot hold. Walks are iterative
 * (no recursion), so nesting depth cannot exhaust the stack.
 */

/** JSON Pointer of the first number that is not finite (NaN, ±Infinity), or undefined if none. */
export function nonFinitePath(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : '';
  if (typeof value !== 'object' || value === null) return undefined;
  // Runs on every tool call: a flat argument object allocates nothing; nested ones wait on a stack.
  let pending: [node: object, path: string][] | undefined;
  let node: object = value;
  let path = '';
  for (;;) {
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const item: unknown = node[index];
        if (typeof item === 'number') {
          if (!Number.isFinite(item)) return `${path}/${index}`;
        } else if (typeof item === 'object' && item !== null) {
          pending ??= [];
          pending.push([item, `${path}/${index}`]);
        }
      }
    } else {
      for (const key in node) {
        if (!Object.hasOwn(node, key)) continue;
        const item = (node as Record<string, unknown>)[key];
        if (typeof item === 'number') {
          if (!Number.isFinite(item)) return `${path}/${pointerToken(key)}`;
        } else if (typeof item === 'object' && item !== null) {
          pending ??= [];
          pending.push([item, `${path}/${pointerToken(key)}`]);
        }
      }
    }
    const next = pending?.pop();
    if (next === undefined) return undefined;
    [node, path] = next;
  }
}

/**
 * The value as the wire will carry it: itself when JSON serialisation changes nothing (the usual
 * case, found by one walk), else its JSON round trip (non-finite numbers become null, `toJSON` runs,
 * `undefined` in arrays becomes null, class instances lose their prototype). A value JSON cannot
 * serialise at all (a BigInt, a cycle) is returned as is: writing it fails later, where that is
 * reported.
 */
export function asSerialised(value: unknown): unknown {
  if (jsonFaithful(value)) return value;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return value;
  }
}

function jsonFaithful(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    switch (typeof node) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(node)) return false;
        continue;
      case 'object': {
        if (node === null) continue;
        if (Array.isArray(node)) {
          for (let index = 0; index < node.length; index++) {
            const item: unknown = node[index];
            if (item === undefined || typeof item === 'function' || typeof item === 'symbol') return false;
            stack.push(item);
          }
          continue;
        }
        const prototype = Object.getPrototypeOf(node);
        if (prototype !== Object.prototype && prototype !== null) return false;
        if (typeof (node as { toJSON?: unknown }).toJSON === 'function') return false;
        for (const key in node) {
          const item = (node as Record<string, unknown>)[key];
          // Dropped by JSON.stringify, as a validator reading `undefined` treats it: nothing changes.
          if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol') stack.push(item);
          else if (item !== undefined) return false;
        }
        continue;
      }
      default:
        return false;
    }
  }
  return true;
}
