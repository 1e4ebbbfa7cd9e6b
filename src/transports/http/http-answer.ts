/** The part of a fetch `Response` the HTTP client transport reads; a `Response` is one. */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface HttpRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Throws an unread body away; a keep-alive socket stays usable when the answer can say so (RawHttpPool's can). */
export async function discardBody(answer: HttpAnswer): Promise<void> {
  if ('discard' in answer && typeof answer.discard === 'function') answer.discard();
  else await answer.body?.cancel();
}

/** A body read as JSON; undefined when it is empty or not JSON (the caller reports what it expected). */
export function parseJsonText(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
