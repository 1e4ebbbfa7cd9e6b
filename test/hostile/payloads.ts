/** Raw JSON texts for what JSON.stringify will not build: 100,000 levels, `__proto__` as an own key. */
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
