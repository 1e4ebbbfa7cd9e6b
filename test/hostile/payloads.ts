/** Raw JSON texts for what JSON.stringify will not build: 100,000 levels, `__proto__` as an own key. */
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { BARE_MODERN_META } from '../support/server-harness.js';

export const DEPTH = 100_000;

/** `[[[…]]]`, DEPTH levels. */
export const DEEP_ARRAYS = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
/** `{"a":{"a":…0…}}`, DEPTH levels. */
export const DEEP_OBJECTS = '{"a":'.repeat(DEPTH) + '0' + '}'.repeat(DEPTH);

const POISON = '{"polluted":"yes","isError":true,"name":"probe","message":"polluted"}';
/** The three keys prototype pollution goes through, as members of a JSON object. */
export const POLLUTING_MEMBERS = `"__proto__":${POISON},"constructor":{"prototype":${POISON}},"prototype":${POISON}`;

/** The bare 2026 `_meta` envelope with the polluting keys added. */
export const POLLUTING_META = `{${JSON.stringify(BARE_MODERN_META).slice(1, -1)},${POLLUTING_MEMBERS}}`;

/** A 2026 tools/call as text; `argumentsJson` and `extraParams` (members) are spliced in raw. */
export function rawCall(
  id: number | string,
  name: string,
  argumentsJson: string,
  { meta = JSON.stringify(BARE_MODERN_META), extraParams = '' } = {},
): string {
  const extra = extraParams ? `,${extraParams}` : '';
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${argumentsJson},"_meta":${meta}${extra}}}`;
}

/**
 * A 2026 tools/list padded to exactly `bytes` bytes (the frame without its newline), to probe a
 * message-size limit at its edge.
 */
export function paddedList(id: number, bytes: number): string {
  const head = `{"jsonrpc":"2.0","id":${id},"method":"tools/list","params":{"_meta":${JSON.stringify(BARE_MODERN_META)},"pad":"`;
  const tail = '"}}';
  const text = head + 'x'.repeat(bytes - head.length - tail.length) + tail;
  if (Buffer.byteLength(text) !== bytes) throw new Error('padding is off');
  return text;
}

/**
 * Malformed messages every transport answers the same way: the text, the error code, and the id the
 * answer carries (the request's own only when it is a valid request id). Transports add their own.
 */
export const MALFORMED_MESSAGES: readonly [text: string, code: number, id: string | number | null][] = [
  ['this is not json', ErrorCode.ParseError, null],
  ['{"jsonrpc":"2.0","id":1,"method":', ErrorCode.ParseError, null],
  ['{"jsonrpc":"1.0","id":2,"method":"tools/list"}', ErrorCode.InvalidRequest, 2],
  ['{"id":3,"method":"tools/list"}', ErrorCode.InvalidRequest, 3],
  ['42', ErrorCode.InvalidRequest, null],
  ['"a string"', ErrorCode.InvalidRequest, null],
  ['null', ErrorCode.InvalidRequest, null],
  ['{"jsonrpc":"2.0","id":null,"method":"tools/list"}', ErrorCode.InvalidRequest, null],
  ['{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}', ErrorCode.InvalidRequest, null],
  ['{"jsonrpc":"2.0","id":5,"method":42}', ErrorCode.InvalidRequest, 5],
  ['{"jsonrpc":"2.0","id":7,"method":"tools/list","params":[1,2]}', ErrorCode.InvalidRequest, 7],
  ['{}', ErrorCode.InvalidRequest, null],
];
