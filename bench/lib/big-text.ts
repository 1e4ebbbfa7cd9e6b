/** The 1 MiB `resources/read` payload: printable ASCII, so JSON escaping costs nothing on either side. */
export const BIG_RESOURCE_URI = 'bench://big';

export function bigText(bytes: number): string {
  const line = 'The quick brown fox jumps over the lazy dog 0123456789.\n';
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}
