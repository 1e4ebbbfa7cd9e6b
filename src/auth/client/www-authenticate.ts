/**
 * `WWW-Authenticate` (RFC 9110 §11.6.1) read into challenges: a scheme and its auth-params
 * (names lower-cased, quoted strings unescaped). One header may carry several challenges, e.g.
 * `DPoP algs="ES256", Bearer resource_metadata="…"`.
 */
export interface AuthChallenge {
  /** The scheme, lower-cased (`bearer`, `dpop`). */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  if (!header) return challenges;
  let rest = header;
  let current: AuthChallenge | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break;
    const after = rest.slice(name.length);
    const param = /^\s*=\s*/.exec(after);
    if (param && current && !/^\s*=\s*(?:=|,|$)/.test(after)) {
      // auth-param: name = token | quoted-string
      let value = after.slice(param[0].length);
      let parsed: string;
      if (value.startsWith('"')) {
        let index = 1;
        parsed = '';
        while (index < value.length && value[index] !== '"') {
          if (value[index] === '\\' && index + 1 < value.length) index++;
          parsed += value[index];
          index++;
        }
        value = value.slice(index + 1);
      } else {
        parsed = TOKEN.exec(value)?.[0] ?? '';
        value = value.slice(parsed.length);
      }
      current.params[name.toLowerCase()] = parsed;
      rest = value;
      continue;
    }
    // A new challenge: scheme [ token68 ].
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after.replace(/^\s+[A-Za-z0-9\-._~+/]+=*(?=\s*(?:,|$))/, '');
  }
  return challenges;
}

/** What a 401 or 403 from an MCP server asks of an OAuth client. */
export interface BearerChallenge {
  /** `invalid_token`, `insufficient_scope`, `use_dpop_nonce`, … */
  error?: string;
  /** The scopes the current operation needs (space-separated). */
  scope?: string;
  /** RFC 9728 §5.1: where the server's Protected Resource Metadata is. */
  resourceMetadata?: string;
}

/** The Bearer (or DPoP) challenge of a response's `WWW-Authenticate`, if any. */
export function bearerChallenge(header: string | null | undefined): BearerChallenge | undefined {
  const challenges = parseWwwAuthenticate(header);
  const chosen =
    challenges.find((challenge) => challenge.scheme === 'bearer') ??
    challenges.find((challenge) => challenge.scheme === 'dpop');
  if (!chosen) return undefined;
  const { error, scope, resource_metadata: resourceMetadata } = chosen.params;
  return {
    ...(error ? { error } : {}),
    ...(scope ? { scope } : {}),
    ...(resourceMetadata ? { resourceMetadata } : {}),
  };
}
