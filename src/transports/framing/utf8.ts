import { isUtf8 } from 'node:buffer';

/**
 * Decodes UTF-8 strictly: undefined when the bytes are not UTF-8, where a plain decode would
 * substitute U+FFFD. Every transport decodes messages this way. The strict check runs only when
 * the decoded text holds a U+FFFD (bytes that are not UTF-8 always produce one; a message may also
 * carry it honestly), so valid messages pay one `includes` scan instead of a native call.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  const text = Buffer.isBuffer(bytes)
    ? bytes.toString('utf8')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.includes('\uFFFD') && !isUtf8(bytes) ? undefined : text;
}
