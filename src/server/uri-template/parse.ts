/** RFC 6570 operators and how each one expands (section 3.2.1 table). */
export interface OperatorSpec {
  first: string;
  separator: string;
  named: boolean;
  ifEmpty: string;
  /** `+` and `#` let reserved characters through unencoded. */
  allowReserved: boolean;
}

export const OPERATORS: Record<string, OperatorSpec> = {
  '': { first: '', separator: ',', named: false, ifEmpty: '', allowReserved: false },
  '+': { first: '', separator: ',', named: false, ifEmpty: '', allowReserved: true },
  '#': { first: '#', separator: ',', named: false, ifEmpty: '', allowReserved: true },
  '.': { first: '.', separator: '.', named: false, ifEmpty: '', allowReserved: false },
  '/': { first: '/', separator: '/', named: false, ifEmpty: '', allowReserved: false },
  ';': { first: ';', separator: ';', named: true, ifEmpty: '', allowReserved: false },
  '?': { first: '?', separator: '&', named: true, ifEmpty: '=', allowReserved: false },
  '&': { first: '&', separator: '&', named: true, ifEmpty: '=', allowReserved: false },
};

export interface VariableSpec {
  name: string;
  explode: boolean;
  prefix: number | undefined;
}

export interface Expression {
  operator: string;
  spec: OperatorSpec;
  variables: VariableSpec[];
}

export type Part = string | Expression;

export class UriTemplateError extends Error {
  override readonly name = 'UriTemplateError';
}

/** Named limits: templates are developer input, but parsing must stay bounded. */
export const MAX_TEMPLATE_LENGTH = 1_000_000;
export const MAX_EXPRESSIONS = 1000;

const VARNAME = /^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*$/;

export function parseTemplate(template: string): Part[] {
  if (template.length > MAX_TEMPLATE_LENGTH) throw new UriTemplateError('URI template is too long');
  const parts: Part[] = [];
  let index = 0;
  let expressions = 0;
  while (index < template.length) {
    const open = template.indexOf('{', index);
    if (open === -1) {
      pushLiteral(parts, template.slice(index));
      break;
    }
    pushLiteral(parts, template.slice(index, open));
    const close = template.indexOf('}', open);
    if (close === -1) throw new UriTemplateError(`Unclosed expression at ${open} in "${template}"`);
    if (++expressions > MAX_EXPRESSIONS)
      throw new UriTemplateError(`More than ${MAX_EXPRESSIONS} expressions`);
    parts.push(parseExpression(template.slice(open + 1, close)));
    index = close + 1;
  }
  return parts;
}

function pushLiteral(parts: Part[], literal: string): void {
  if (literal.includes('}')) throw new UriTemplateError(`Unexpected "}" in "${literal}"`);
  if (literal) parts.push(literal);
}

function parseExpression(body: string): Expression {
  let operator = body.charAt(0);
  if (operator in OPERATORS && operator !== '') body = body.slice(1);
  else if (/[=,!@|]/.test(operator)) throw new UriTemplateError(`Reserved operator "${operator}"`);
  else operator = '';
  if (body.length === 0) throw new UriTemplateError('Empty expression');
  const variables = body.split(',').map((raw): VariableSpec => {
    let name = raw;
    let explode = false;
    let prefix: number | undefined;
    if (name.endsWith('*')) {
      explode = true;
      name = name.slice(0, -1);
    }
    const colon = name.indexOf(':');
    if (colon !== -1) {
      const length = name.slice(colon + 1);
      if (!/^[1-9][0-9]{0,3}$/.test(length)) throw new UriTemplateError(`Bad prefix "${raw}"`);
      prefix = Number(length);
      name = name.slice(0, colon);
    }
    if (!VARNAME.test(name)) throw new UriTemplateError(`Bad variable name "${raw}"`);
    return { name, explode, prefix };
  });
  return { operator, spec: OPERATORS[operator]!, variables };
}
