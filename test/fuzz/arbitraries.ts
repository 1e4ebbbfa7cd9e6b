/**
 * Shared fast-check arbitraries for the fuzz suite. Hostile JSON is generated as *text* and parsed
 * with JSON.parse, exactly as a transport delivers it: `__proto__` then becomes an own key (not a
 * prototype change), `1e400` becomes Infinity, `-0` stays negative zero, big integers lose precision.
 */
import fc from 'fast-check';

/** Keys that trip code reading plain objects: prototype names, JSON-RPC and MCP field names. */
export const TRICKY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  'then',
  'jsonrpc',
  'id',
  'method',
  'params',
  'result',
  'error',
  'code',
  'message',
  '_meta',
  'name',
  'arguments',
  'uri',
  '',
] as const;

export const trickyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_KEYS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

/** Number literals as they may appear on the wire, including ones JSON.stringify never writes. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1',
    '-1',
    '0.5',
    '1.0',
    '1E+2',
    '1e400',
    '-1e400',
    '1e308',
    '5e-324',
    '9007199254740991',
    '9007199254740993',
    '123456789012345678901234567890',
    '-32700',
    '-32603',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** String literals, lone surrogates and control characters included (JSON.stringify escapes them). */
export const stringText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('2.0', '', '\u0000', '\ud800', '\udfff', '\ufeff', 'tools/call', 'initialize', 'ping'),
    fc.string({ maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
  )
  .map((s) => JSON.stringify(s));

const leafText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '{}', '[]'),
  numberText,
  stringText,
);

/** JSON text of a bounded random tree with tricky keys and duplicate keys allowed. */
export const jsonTreeText: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafText,
    fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(trickyKey, tie('node')), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).node;

/** Deeply nested arrays or objects (JSON.parse copes; recursive consumers may not). */
export function deepTextUpTo(maxDepth: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 1, max: maxDepth }), fc.constantFrom('array', 'object', 'mixed'))
    .map(([depth, shape]) => {
      if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth);
      if (shape === 'object') return '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth);
      return '{"a":['.repeat(depth) + ']}'.repeat(depth);
    });
}

export const deepText: fc.Arbitrary<string> = deepTextUpTo(20_000);

/**
 * JSON.parse, plus a short description for fast-check's reports on long input: printing a deeply
 * nested counterexample recursively would overflow the stack inside the reporter. The description is
 * a non-enumerable symbol-keyed property, invisible to JSON, Object.keys and `in`.
 */
export function parseJson(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (text.length > 1000 && typeof value === 'object' && value !== null) {
    const summary = `JSON.parse(${JSON.stringify(text.slice(0, 40))}… ${text.length} chars)`;
    Object.defineProperty(value, fc.toStringMethod, { value: () => summary, enumerable: false });
  }
  return value;
}

/** Any JSON value a transport could hand over. */
export const hostileJson: fc.Arbitrary<unknown> = fc
  .oneof({ weight: 8, arbitrary: jsonTreeText }, { weight: 1, arbitrary: deepText })
  .map(parseJson);

/** An `id` field as text: valid ones and every kind of invalid one. */
export const idText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(
    'null',
    'true',
    '1.5',
    '-0',
    '1e400',
    '1e300',
    '9007199254740993',
    '{}',
    '[]',
    '[1]',
    '""',
    '"__proto__"',
  ),
);

/** Optional field of a JSON object as text (`undefined`: the key is left out). */
function field(
  name: string,
  value: fc.Arbitrary<string>,
  absentWeight = 1,
): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: value.map((v) => `${JSON.stringify(name)}:${v}`) },
  );
}

export const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'server/discover',
  'subscriptions/listen',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'tasks/result',
  'tasks/update',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
] as const;

export const methodText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...METHODS).map((m) => JSON.stringify(m)) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY_KEYS).map((m) => JSON.stringify(m)) },
  { weight: 1, arbitrary: leafText },
);

/** A JSON-RPC error object, sometimes with a non-integer code or extra members. */
export const errorObjectText: fc.Arbitrary<string> = fc
  .tuple(numberText, stringText, fc.option(jsonTreeText, { nil: undefined }))
  .map(([code, message, data]) => `{"code":${code},"message":${message}${data ? `,"data":${data}` : ''}}`);

/** Objects shaped like JSON-RPC messages, with every field possibly wrong or missing. */
export const messageLikeText: fc.Arbitrary<string> = fc
  .tuple(
    field(
      'jsonrpc',
      fc.oneof({ weight: 6, arbitrary: fc.constant('"2.0"') }, { weight: 1, arbitrary: leafText }),
    ),
    field('id', idText),
    field('method', methodText),
    field('params', fc.oneof({ weight: 4, arbitrary: jsonTreeText }, { weight: 1, arbitrary: leafText })),
    field('result', fc.oneof(fc.constant('{}'), jsonTreeText), 4),
    field('error', fc.oneof(errorObjectText, jsonTreeText), 4),
    fc.array(fc.tuple(trickyKey, jsonTreeText), { maxLength: 2 }),
  )
  .map(([jsonrpc, id, method, params, result, error, extra]) => {
    const members = [jsonrpc, id, method, params, result, error].filter((m) => m !== undefined);
    for (const [key, value] of extra) members.push(`${JSON.stringify(key)}:${value}`);
    return `{${members.join(',')}}`;
  });

export const messageLike: fc.Arbitrary<unknown> = messageLikeText.map((text) => JSON.parse(text) as unknown);

/**
 * JSON text of a parsed value without recursion (JSON.stringify overflows the stack on the deep
 * values above). Same output as JSON.stringify for anything JSON.parse returns.
 */
export function stableJson(value: unknown): string {
  class Raw {
    constructor(readonly text: string) {}
  }
  let out = '';
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Raw) out += item.text;
    else if (Array.isArray(item)) {
      out += '[';
      stack.push(new Raw(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(new Raw(','));
      }
    } else if (typeof item === 'object' && item !== null) {
      out += '{';
      stack.push(new Raw('}'));
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        stack.push(child, new Raw(`${JSON.stringify(key)}:`));
        if (i > 0) stack.push(new Raw(','));
      }
    } else out += JSON.stringify(item);
  }
  return out;
}
