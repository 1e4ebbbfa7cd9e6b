import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggestion } from './did-you-mean.js';
import { UsageError } from './usage-error.js';

type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** Every command takes these. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies OptionTable;

/** Where an HTTP server listens and what it serves besides MCP: `serve` and `dev` share them. */
export const HTTP_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  path: { type: 'string' },
  config: { type: 'string' },
  'metrics-path': { type: 'string' },
} as const satisfies OptionTable;

/** `erlmcp serve`. */
export const SERVE_OPTIONS = {
  transport: { type: 'string' },
  ...HTTP_OPTIONS,
  workers: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-client-ca': { type: 'string' },
  'auth-issuer': { type: 'string' },
  'auth-audience': { type: 'string' },
  'auth-jwks': { type: 'string' },
  'auth-introspection': { type: 'string' },
  redis: { type: 'string' },
  observer: { type: 'boolean' },
  ...COMMON_OPTIONS,
} as const;

/**
 * `erlmcp gateway`: the serve flags (where and how it listens) plus its upstreams. `--config` is the
 * gateway file here (upstreams and policy); serve settings come from flags and the environment.
 */
export const GATEWAY_OPTIONS = {
  ...SERVE_OPTIONS,
  upstream: { type: 'string', multiple: true },
  naming: { type: 'string' },
} as const;

/** `erlmcp dev`: always HTTP with the observer page, so only where it listens. */
export const DEV_OPTIONS = { ...HTTP_OPTIONS, ...COMMON_OPTIONS } as const;

/** `erlmcp bench`. */
export const BENCH_OPTIONS = {
  tool: { type: 'string' },
  args: { type: 'string' },
  rate: { type: 'string' },
  connections: { type: 'string' },
  duration: { type: 'string' },
  ...COMMON_OPTIONS,
} as const;

/** `erlmcp call`: the target is a URL, or a stdio server's command after `--`. */
export const CALL_OPTIONS = {
  args: { type: 'string' },
  json: { type: 'boolean' },
  era: { type: 'string' },
  ...COMMON_OPTIONS,
} as const;

/** `erlmcp inspect`. */
export const INSPECT_OPTIONS = {
  json: { type: 'boolean' },
  era: { type: 'string' },
  ...COMMON_OPTIONS,
} as const;

/** `erlmcp validate`: like inspect, --era may also be both (the default). */
export const VALIDATE_OPTIONS = INSPECT_OPTIONS;

/**
 * Parses one command's flags against its own table: an unknown flag is answered with the likely
 * one and the command's whole set (`--prot`: did you mean --port?), and a second positional is
 * refused rather than silently dropped (`erlmcp bench node server.js` meant one quoted command).
 */
export function parseCommandLine<T extends OptionTable>(
  command: string,
  options: T,
  argv: string[],
  maxPositionals = 2,
): ParsedCommandLine<T> {
  let parsed: ParsedCommandLine<T>;
  try {
    parsed = parse(options, argv);
  } catch (error) {
    throw explain(command, options, error as Error & { code?: string });
  }
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument "${extra}" (${EXTRA_HINT[command] ?? 'one module'})`);
  }
  return parsed;
}

const EXTRA_HINT: Record<string, string> = {
  bench: 'one target: quote a command with its arguments',
  call: "one target and one tool or method; a stdio server's command goes after --",
  inspect: "one target; a stdio server's command goes after --",
  validate: "one target; a stdio server's command goes after --",
};

/** The command: the first positional, with every command's string flags known so their values are skipped. */
export function commandOf(argv: string[], tables: OptionTable[]): string | undefined {
  const options = Object.assign({}, ...tables) as OptionTable;
  return parseArgs({ args: argv, options, allowPositionals: true, strict: false }).positionals[0];
}

export type ParsedCommandLine<T extends OptionTable> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>
>;

function parse<T extends OptionTable>(options: T, argv: string[]): ParsedCommandLine<T> {
  return parseArgs({ args: argv, options, allowPositionals: true });
}

function explain(command: string, options: OptionTable, error: Error & { code?: string }): Error {
  // Node's own text ("To specify a positional argument starting with a '-'…") does not help here.
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(error.message);
  const option = /'(-[^']*)'/.exec(error.message)?.[1] ?? '';
  const flags = Object.keys(options).map((name) => `--${name}`);
  return new UsageError(
    `unknown option ${option}${suggestion(option, flags, false)}\n` +
      `erlmcp${command ? ` ${command}` : ''} takes: ${flags.join(' ')}`,
  );
}
