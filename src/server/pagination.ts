import { invalidParams } from '../jsonrpc/errors.js';

/**
 * Opaque cursors: base64url of the next offset. Lists are in registration order, so an offset stays
 * meaningful across calls; a change in between may show duplicates or gaps, as the spec allows.
 */
export function paginate<T>(
  items: readonly T[],
  cursor: unknown,
  pageSize: number,
): { page: T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : decodeCursor(cursor);
  if (start === 0 && items.length <= pageSize) return { page: items as T[] };
  const page = items.slice(start, start + pageSize);
  const next = start + pageSize;
  return next < items.length ? { page, nextCursor: encodeCursor(next) } : { page };
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: unknown): number {
  if (typeof cursor !== 'string' || cursor.length > 64) throw invalidParams('Invalid cursor');
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^o:(\d{1,9})$/.exec(text);
  if (!match) throw invalidParams('Invalid cursor');
  return Number(match[1]);
}
