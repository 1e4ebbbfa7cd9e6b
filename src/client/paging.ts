import { ErlmcpError } from '../jsonrpc/errors.js';
import type { ProgressInfo } from './client-session.js';

/** Named limit: pages `listAll*` walks before giving up on a server that never ends its list. */
export const MAX_LIST_PAGES = 1000;

/** Follows `nextCursor` until the list ends, collecting the items of every page. */
export async function walkPages<P extends { nextCursor?: string }, T>(
  fetch: (cursor?: string) => Promise<P>,
  items: (page: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
    const page = await fetch(cursor);
    all.push(...items(page));
    cursor = page.nextCursor;
    if (!cursor) return all;
  }
  throw new ErlmcpError(
    'ERR_INVALID_RESPONSE',
    `The server's list did not end after ${MAX_LIST_PAGES} pages`,
  );
}

export function cursorParams(cursor: string | undefined): Record<string, unknown> {
  return cursor === undefined ? {} : { cursor };
}

/** The per-call options the session understands, without undefined members. */
export function pickCallOptions(options: {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressInfo) => void;
}) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}
