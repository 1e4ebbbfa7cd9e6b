import type { Expression, Part } from './parse.js';

/** Longest URI `match` looks at; longer ones do not match. */
export const MAX_MATCH_LENGTH = 64 * 1024;

/**
 * An expression as the matcher sees it: `first` (when the operator has one) and then a run of
 * characters up to the operator's own delimiters, or nothing at all (an absent or empty value).
 */
interface ExpressionSegment {
  literal: undefined;
  /** The operator's leading character ("" for simple and "+" expansion, which have none). */
  first: string;
  /** "#" ends every value; whether "?" and "/" end this one too. */
  stopsAtQuery: boolean;
  stopsAtSlash: boolean;
}
type Segment = { literal: string } | ExpressionSegment;

export interface Matcher {
  segments: Segment[];
  /** The expressions, in the order of `captureUri`'s captures. */
  expressions: Expression[];
}

export function compileMatcher(parts: readonly Part[]): Matcher {
  return {
    segments: parts.map((part): Segment => {
      if (typeof part === 'string') return { literal: part };
      const op = part.operator;
      return {
        literal: undefined,
        first: op === '' || op === '+' ? '' : part.spec.first,
        // "?" and "&" values run to the fragment; "+", "#" and "/" values may hold "/".
        stopsAtQuery: op !== '?' && op !== '&',
        stopsAtSlash: op === '' || op === '.' || op === ';',
      };
    }),
    expressions: parts.filter((part): part is Expression => typeof part !== 'string'),
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function matchUri(matcher: Matcher, uri: string): Record<string, string | string[]> | null {
  const captures = captureUri(matcher, uri);
  if (!captures) return null;
  const result: Record<string, string | string[]> = {};
  captures.forEach((raw, index) => {
    if (raw) assign(matcher.expressions[index]!, raw, result);
  });
  return result;
}

/**
 * The raw text of each expression (undefined when absent), or null when `uri` does not match.
 * Linear in `uri` × template parts: the backtracking RegExp used before was polynomial for adjacent
 * expressions (`{+a}/{+b}/{+c}` took 10 s on 3 KB), so one request could stall the server. A
 * backward pass marks, per part, the positions from which the rest of the template can match to the
 * end; a forward pass gives each expression the longest value that still lets the rest match (the
 * RegExp's leftmost-greedy answer).
 */
export function captureUri(matcher: Matcher, uri: string): (string | undefined)[] | null {
  if (uri.length > MAX_MATCH_LENGTH) return null;
  const { segments } = matcher;
  // Most URIs are turned away by a template's first or last literal: no work beyond that.
  const head = segments[0];
  const tail = segments[segments.length - 1];
  if (head?.literal !== undefined && !uri.startsWith(head.literal)) return null;
  if (tail?.literal !== undefined && !uri.endsWith(tail.literal)) return null;
  const n = uri.length;
  const width = n + 1;
  // ok[k * width + p] = 1: segments k.. can match uri[p..n). One allocation for all parts.
  const ok = new Uint8Array((segments.length + 1) * width);
  ok[segments.length * width + n] = 1;
  for (let k = segments.length - 1; k >= 0; k--) {
    const segment = segments[k]!;
    const here = k * width;
    const next = here + width;
    if (segment.literal !== undefined) {
      const length = segment.literal.length;
      for (let p = 0; p + length <= n; p++) {
        if (ok[next + p + length] && uri.startsWith(segment.literal, p)) ok[here + p] = 1;
      }
      continue;
    }
    // Right to left; `after`: a value starting at q + 1 can end where the rest matches.
    let after = 0;
    for (let q = n; q >= 0; q--) {
      const run = ok[next + q] || (q < n && after && !isStop(segment, uri.charCodeAt(q))) ? 1 : 0;
      if (segment.first === '') ok[here + q] = run;
      else ok[here + q] = ok[next + q] || (q < n && after && uri[q] === segment.first) ? 1 : 0;
      after = run;
    }
  }
  if (!ok[0]) return null;

  const captures: (string | undefined)[] = [];
  let p = 0;
  for (let k = 0; k < segments.length; k++) {
    const segment = segments[k]!;
    if (segment.literal !== undefined) {
      p += segment.literal.length;
      continue;
    }
    const rest = (k + 1) * width;
    let start = p;
    if (segment.first !== '') {
      // The optional group is taken when it can be (a RegExp's greedy `?`), else skipped.
      if (uri[p] !== segment.first || !canEnd(segment, uri, p + 1, ok, rest)) {
        captures.push(undefined);
        continue;
      }
      start = p + 1;
    }
    let end = start;
    while (end < n && !isStop(segment, uri.charCodeAt(end))) end++;
    while (!ok[rest + end]) end--;
    captures.push(uri.slice(start, end));
    p = end;
  }
  return captures;
}

const HASH = 0x23;
const SLASH = 0x2f;
const QUESTION = 0x3f;

function isStop(segment: ExpressionSegment, code: number): boolean {
  return (
    code === HASH || (code === QUESTION && segment.stopsAtQuery) || (code === SLASH && segment.stopsAtSlash)
  );
}

/** Whether a value starting at `start` can end where the rest of the template matches. */
function canEnd(
  segment: ExpressionSegment,
  uri: string,
  start: number,
  ok: Uint8Array,
  rest: number,
): boolean {
  for (let q = start; q <= uri.length; q++) {
    if (ok[rest + q]) return true;
    if (q === uri.length || isStop(segment, uri.charCodeAt(q))) return false;
  }
  return false;
}

/** Sets a variable as an own property, whatever its name (`__proto__` is a valid varname). */
function set(result: Record<string, string | string[]>, name: string, value: string | string[]): void {
  Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
}

function assign(expression: Expression, raw: string, result: Record<string, string | string[]>): void {
  const { spec, variables } = expression;
  if (spec.named) {
    // ?a=1&b=2 or ;a=1;b=2 : values by name, any order; repeated names are exploded lists.
    for (const pair of raw.split(spec.separator)) {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      // Expansion writes a varname as spelled in the template ("%41x" stays "%41x"): compare that
      // first, then the decoded form.
      const variable =
        variables.find((v) => v.name === rawName) ?? variables.find((v) => v.name === decode(rawName));
      if (!variable) continue;
      const name = variable.name;
      const previous = Object.hasOwn(result, name) ? result[name] : undefined;
      if (variable.explode) set(result, name, [...(Array.isArray(previous) ? previous : []), decode(value)]);
      else set(result, name, value.includes(',') ? value.split(',').map(decode) : decode(value));
    }
    return;
  }
  if (variables.length === 1) {
    const [variable] = variables;
    if (!variable) return;
    // Exploded lists are joined by the operator's separator, others by ","; a separator inside a
    // scalar value is its own ("{.file}" of "tar.gz" is "tar.gz", not ["tar", "gz"]).
    if (variable.explode) set(result, variable.name, raw.split(spec.separator).map(decode));
    else if (raw.includes(',') && !spec.allowReserved) set(result, variable.name, raw.split(',').map(decode));
    else set(result, variable.name, decode(raw));
    return;
  }
  const pieces = raw.split(spec.separator);
  variables.forEach((variable, i) => {
    const piece = pieces[i];
    if (piece !== undefined && piece !== '') set(result, variable.name, decode(piece));
  });
}
