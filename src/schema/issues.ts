/** One validation problem. `path` is a JSON Pointer into the value ("" is the root, "/a/0" a nested field). */
export interface SchemaIssue {
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** Thrown by compileSchema (at registration, never per call) for a schema erlmcp cannot use; the message says why. */
export class SchemaDefinitionError extends Error {
  override readonly name = 'SchemaDefinitionError';
}

/** Issue lists can be as long as the input (one per bad array item); the error text sent back stays bounded. */
const MAX_FORMATTED_ISSUES = 10;

/** "a: Expected string, received number; b/0: Required" — one line a model or a person can act on. */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  const shown = issues.slice(0, MAX_FORMATTED_ISSUES).map(formatIssue);
  const hidden = issues.length - shown.length;
  if (hidden > 0) shown.push(`and ${hidden} more`);
  return shown.join('; ');
}

function formatIssue(issue: SchemaIssue): string {
  return issue.path ? `${issue.path.slice(1)}: ${issue.message}` : issue.message;
}

/** One JSON Pointer reference token (RFC 6901: "~" → "~0", "/" → "~1"). */
export function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key;
}
