/**
 * A `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3, RFC 9728 §5.1). Values are quoted strings:
 * a backslash or quote inside one is escaped, and control characters (which cannot appear in a
 * header) are dropped.
 */
export function bearerChallenge(parameters: Readonly<Record<string, string | undefined>>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined || value === '') continue;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/["\\]/g, '\\$&');
    parts.push(`${name}="${clean}"`);
  }
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}
