import type { Expression, Part } from './parse.js';

export type TemplateValue = string | string[] | undefined;

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

/** Percent-encodes everything outside the allowed set; keeps existing %XX triplets when reserved is allowed. */
function encode(value: string, allowReserved: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (UNRESERVED.test(char) || (allowReserved && RESERVED.test(char))) {
      out += char;
    } else if (allowReserved && char === '%' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      out += value.slice(i, i + 3);
      i += 2;
    } else {
      const code = value.codePointAt(i)!;
      const text = String.fromCodePoint(code);
      if (code > 0xffff) i++;
      out += encodeURIComponent(text).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    }
  }
  return out;
}

export function expandParts(parts: readonly Part[], variables: Record<string, TemplateValue>): string {
  return parts.map((part) => (typeof part === 'string' ? part : expandExpression(part, variables))).join('');
}

function expandExpression({ spec, variables }: Expression, values: Record<string, TemplateValue>): string {
  const pieces: string[] = [];
  for (const variable of variables) {
    // Own values only: a variable named "constructor" or "toString" must not expand Object's members.
    const value = Object.hasOwn(values, variable.name) ? values[variable.name] : undefined;
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (typeof value === 'string') {
      const text = encode(
        variable.prefix ? [...value].slice(0, variable.prefix).join('') : value,
        spec.allowReserved,
      );
      pieces.push(
        spec.named ? (value === '' ? variable.name + spec.ifEmpty : `${variable.name}=${text}`) : text,
      );
    } else if (!variable.explode) {
      const joined = value.map((item) => encode(item, spec.allowReserved)).join(',');
      pieces.push(spec.named ? `${variable.name}=${joined}` : joined);
    } else {
      const items = value.map((item) => {
        const text = encode(item, spec.allowReserved);
        return spec.named ? (item === '' ? variable.name + spec.ifEmpty : `${variable.name}=${text}`) : text;
      });
      pieces.push(items.join(spec.separator));
    }
  }
  return pieces.length ? spec.first + pieces.join(spec.separator) : '';
}
