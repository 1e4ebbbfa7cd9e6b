#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatReport, runBench } from './bench.js';
import { loadConfig } from './config/load-config.js';
import { serve } from './serve.js';

const SERVE_USAGE = `Usage: erlmcp serve <module> [--transport stdio|http|ws|tcp] [--host H] [--port N] [--path /mcp]
                    [--workers N] [--config file.json] [--tls-cert F --tls-key F [--tls-client-ca F]] [--observer]
                    [--metrics-path P|false]

  Runs the McpServer exported by <module> (a .js/.mjs file: default export, "server" or "createServer").
  Network defaults: 127.0.0.1:3000, path /mcp. --workers N runs N processes on one port (HTTP).
  --tls-* serves https/wss/tls:// (with --tls-client-ca: mutual TLS); SIGHUP reloads them.
  --observer serves the live observer page at /observer (HTTP).
  HTTP also serves GET /metrics (Prometheus), /healthz and /readyz; --metrics-path P moves the metrics,
  --metrics-path false turns them off (docs/observability.md).
  Settings come from defaults < --config file (or ERLMCP_CONFIG) < ERLMCP_* environment variables
  (e.g. ERLMCP_LIMITS_MAX_IN_FLIGHT=512) < flags; see docs/limits.md and docs/security.md.
`;

const BENCH_USAGE = `Usage: erlmcp bench <url|"command args"> [--tool NAME --args JSON] [--rate N | --connections N] [--duration S]

  Load-tests any MCP server (http(s)/ws(s)/tcp/tls URL or stdio command) with tools/call and prints
  throughput, p50/p90/p99/max latency and errors.
`;

const USAGE = `Usage: erlmcp serve <module> [options]     (erlmcp serve --help)
       erlmcp bench <url|"command args"> [options]   (erlmcp bench --help)
       erlmcp --version
`;

/** Flags that only mean something on a network transport. */
const NETWORK_FLAGS = [
  'host',
  'port',
  'path',
  'workers',
  'observer',
  'metrics-path',
  'tls-cert',
  'tls-key',
  'tls-client-ca',
] as const;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    // Node's own text ("To specify a positional argument starting with a '-'…") does not help here.
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    const option = unknown ? /'(-[^']*)'/.exec((error as Error).message)?.[1] : undefined;
    const command = argv.find((arg) => !arg.startsWith('-'));
    process.stderr.write(
      `erlmcp: ${option ? `unknown option ${option}` : (error as Error).message}\n${usageOf(command)}`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, module] = positionals;
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (values.help || !command) {
    process.stderr.write(usageOf(command));
    return values.help ? 0 : 2;
  }
  if (command === 'serve') {
    if (!module) {
      process.stderr.write(`erlmcp serve: missing <module>\n${SERVE_USAGE}`);
      return 2;
    }
    const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    const config = loadConfig({
      module,
      transport: values.transport,
      host: values.host,
      port: number(values.port),
      path: values.path,
      workers: number(values.workers),
      observer: values.observer,
      http: metricsFlag(values['metrics-path']),
      config: values.config,
      tls:
        values['tls-cert'] || values['tls-key'] || values['tls-client-ca']
          ? { cert: values['tls-cert'], key: values['tls-key'], clientCa: values['tls-client-ca'] }
          : undefined,
    });
    // `--port 3005` alone used to serve stdio silently: a network flag needs a network transport.
    const networkFlag = NETWORK_FLAGS.find((flag) => values[flag] !== undefined);
    if (config.transport === 'stdio' && networkFlag) {
      process.stderr.write(
        `erlmcp serve: --${networkFlag} needs a network transport: add --transport http (or ws, tcp); stdio is the default\n`,
      );
      return 2;
    }
    await serve(config);
    return -1;
  }
  if (command === 'bench') {
    if (!module) {
      process.stderr.write(`erlmcp bench: missing <url|command>\n${BENCH_USAGE}`);
      return 2;
    }
    let args: Record<string, unknown> | undefined;
    try {
      args = values.args === undefined ? undefined : (JSON.parse(values.args) as Record<string, unknown>);
    } catch (error) {
      process.stderr.write(`erlmcp bench: --args is not valid JSON: ${(error as Error).message}\n`);
      return 2;
    }
    const report = await runBench({
      target: module,
      ...(values.tool ? { tool: values.tool } : {}),
      ...(args ? { args } : {}),
      ...(values.rate ? { rate: Number(values.rate) } : {}),
      ...(values.connections ? { connections: Number(values.connections) } : {}),
      durationSeconds: Number(values.duration),
      write: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${formatReport(report)}\n`);
    return report.errors > 0 ? 1 : 0;
  }
  process.stderr.write(`erlmcp: unknown command "${command}"\n${USAGE}`);
  return 2;
}

function usageOf(command: string | undefined): string {
  if (command === 'serve') return SERVE_USAGE;
  if (command === 'bench') return BENCH_USAGE;
  return USAGE;
}

/** The version of the installed package (dist/src/cli/main.js → package.json). */
function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      transport: { type: 'string' },
      workers: { type: 'string' },
      config: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
      observer: { type: 'boolean' },
      'metrics-path': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      path: { type: 'string' },
      tool: { type: 'string' },
      args: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** `--metrics-path /m` moves the endpoint, `--metrics-path false` removes it. */
function metricsFlag(value: string | undefined): { metricsPath: string | false } | undefined {
  return value === undefined ? undefined : { metricsPath: value === 'false' ? false : value };
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`erlmcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
