/** One validation problem, with a JSON-pointer-like path ("" is the root, "/a/0" a nested field). */
export interface SchemaIssue {
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** Thrown at registration for a schema erlmcp cannot use; the message says why. */
export class SchemaDefinitionError extends Error {
  override readonly name = 'SchemaDefinitionError';
}

/** "a: Expected string; b/0: Required" — one line a model or a person can act on. */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .map((issue) => (issue.path ? `${issue.path.slice(1)}: ${issue.message}` : issue.message))
    .join('; ');
}
