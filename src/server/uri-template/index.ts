import { expandParts, type TemplateValue } from './expand.js';
import { compileMatcher, type Matcher, matchUri } from './match.js';
import { type Part, parseTemplate } from './parse.js';

export { UriTemplateError } from './parse.js';

/** An RFC 6570 URI template (levels 1–4), parsed once, that expands and matches. */
export class UriTemplate {
  readonly variableNames: readonly string[];
  readonly #parts: Part[];
  readonly #matcher: Matcher;

  constructor(readonly template: string) {
    this.#parts = parseTemplate(template);
    this.#matcher = compileMatcher(this.#parts);
    this.variableNames = this.#parts.flatMap((part) =>
      typeof part === 'string' ? [] : part.variables.map((v) => v.name),
    );
  }

  expand(variables: Record<string, TemplateValue>): string {
    return expandParts(this.#parts, variables);
  }

  /** The variables of `uri` if it matches, else null. Associative-array values are not supported. */
  match(uri: string): Record<string, string | string[]> | null {
    return matchUri(this.#matcher, uri);
  }

  toString(): string {
    return this.template;
  }
}
