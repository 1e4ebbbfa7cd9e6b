/** Pure Server-Sent Events encoding: one event in, the exact bytes to write out. */
export interface SseEvent {
  id?: string;
  event?: string;
  /** Written as `data:` lines; may be empty (a priming event carries only an id). */
  data?: string;
  /** Reconnection delay the client should use, in milliseconds. */
  retry?: number;
}

export function encodeSseEvent(event: SseEvent): string {
  let out = '';
  if (event.id !== undefined) out += `id: ${event.id}\n`;
  if (event.event !== undefined) out += `event: ${event.event}\n`;
  if (event.retry !== undefined) out += `retry: ${event.retry}\n`;
  const data = event.data ?? '';
  // JSON never contains raw newlines, but arbitrary data may: one data line per line. CR and CRLF end
  // lines too (WHATWG): split on "\n" alone, a CR in data would start a line of its own on the
  // client and could inject fields ("x\rid: …", "x\revent: endpoint").
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line: ignored by clients, keeps intermediaries from timing the stream out. */
export const SSE_KEEP_ALIVE = ':\n\n';
