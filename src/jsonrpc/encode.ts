/**
 * The one encoder of JSON-RPC messages for every transport. It is `JSON.stringify`, except that a
 * response whose `result._meta` is a registered constant (the 2026 `serverInfo` `_meta` every result
 * carries) has that part spliced in from text serialised once: the 2026 era would otherwise pay for
 * its larger messages on every response.
 */
const constants = new WeakMap<object, string>();

/** Registers an object whose JSON never changes (it should be frozen); returns it. */
export function constantPart<T extends object>(value: T): T {
  constants.set(value, JSON.stringify(value));
  return value;
}

/** One message (or a batch) as JSON text. Throws what JSON.stringify throws (a BigInt, a cycle). */
export function encodeMessage(message: unknown): string {
  const response = message as { jsonrpc?: unknown; result?: unknown; error?: unknown } | null;
  const result = response?.result;
  if (
    typeof result === 'object' &&
    result !== null &&
    response!.jsonrpc === '2.0' &&
    response!.error === undefined
  ) {
    const meta = (result as { _meta?: unknown })._meta;
    const text = typeof meta === 'object' && meta !== null ? constants.get(meta) : undefined;
    if (text !== undefined) return encodeWithConstantMeta(message as { id: unknown }, result, meta, text);
  }
  return JSON.stringify(message);
}

function encodeWithConstantMeta(
  message: { id: unknown },
  result: object,
  meta: unknown,
  metaText: string,
): string {
  const writable = result as { _meta?: unknown };
  // JSON.stringify leaves out undefined members; the result is put back as it was before returning.
  writable._meta = undefined;
  let body: string;
  try {
    body = JSON.stringify(result);
  } finally {
    writable._meta = meta;
  }
  const spliced = body === '{}' ? `{"_meta":${metaText}}` : `${body.slice(0, -1)},"_meta":${metaText}}`;
  return `{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":${spliced}}`;
}
