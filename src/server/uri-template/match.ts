import type { Expression, Part } from './parse.js';

/** Longest URI `match` looks at; longer ones do not match. */
export const MAX_MATCH_LENGTH = 64 * 1024;

export interface Matcher {
  regex: RegExp;
  /** Capture group order → how to decode it. */
  groups: { expression: Expression }[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles the template into one anchored RegExp. Each expression is a single capture whose
 * character class excludes its own delimiters, so matching never backtracks catastrophically.
 */
export function compileMatcher(parts: readonly Part[]): Matcher {
  let source = '^';
  const groups: Matcher['groups'] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      source += escapeRegex(part);
      continue;
    }
    const { operator } = part;
    const body =
      operator === '+' || operator === '#'
        ? '[^?#]*'
        : operator === '?' || operator === '&'
          ? '[^#]*'
          : operator === '/'
            ? '[^?#]*'
            : operator === '.'
              ? '[^/?#]*'
              : operator === ';'
                ? '[^/?#]*'
                : '[^/?#,]*(?:,[^/?#,]*)*';
    const first = operator === '' || operator === '+' ? '' : escapeRegex(part.spec.first);
    source += first ? `(?:${first}(${body}))?` : `(${body})`;
    groups.push({ expression: part });
  }
  return { regex: new RegExp(`${source}$`), groups };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function matchUri(matcher: Matcher, uri: string): Record<string, string | string[]> | null {
  if (uri.length > MAX_MATCH_LENGTH) return null;
  const found = matcher.regex.exec(uri);
  if (!found) return null;
  const result: Record<string, string | string[]> = {};
  matcher.groups.forEach(({ expression }, index) => {
    const raw = found[index + 1];
    if (raw === undefined || raw === '') return;
    assign(expression, raw, result);
  });
  return result;
}

function assign(expression: Expression, raw: string, result: Record<string, string | string[]>): void {
  const { spec, variables } = expression;
  if (spec.named) {
    // ?a=1&b=2 or ;a=1;b=2 : values by name, any order; repeated names are exploded lists.
    for (const pair of raw.split(spec.separator)) {
      const eq = pair.indexOf('=');
      const name = decode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      const variable = variables.find((v) => v.name === name);
      if (!variable) continue;
      const previous = result[name];
      if (variable.explode) result[name] = [...(Array.isArray(previous) ? previous : []), decode(value)];
      else result[name] = value.includes(',') ? value.split(',').map(decode) : decode(value);
    }
    return;
  }
  const pieces = raw.split(spec.separator === ',' ? ',' : spec.separator);
  if (variables.length === 1) {
    const [variable] = variables;
    if (!variable) return;
    const reserved = spec.allowReserved;
    if (variable.explode || (pieces.length > 1 && spec.separator !== ','))
      result[variable.name] = pieces.map(decode);
    else if (pieces.length > 1 && !reserved) result[variable.name] = pieces.map(decode);
    else result[variable.name] = decode(raw);
    return;
  }
  variables.forEach((variable, i) => {
    const piece = pieces[i];
    if (piece !== undefined && piece !== '') result[variable.name] = decode(piece);
  });
}
