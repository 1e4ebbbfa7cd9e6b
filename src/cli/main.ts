#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { formatReport, runBench } from './bench.js';
import { loadConfig } from './config/load-config.js';
import { serve } from './serve.js';

const USAGE = `Usage: erlmcp serve <module> [--transport stdio|http|ws|tcp] [--host H] [--port N] [--path /mcp]
                    [--workers N] [--config file.json] [--tls-cert F --tls-key F [--tls-client-ca F]] [--observer]
       erlmcp bench <url|"command args"> [--tool NAME --args JSON] [--rate N | --connections N] [--duration S]

  serve    Runs the McpServer exported by <module> (default export, "server" or "createServer").
           Network defaults: 127.0.0.1:3000, path /mcp. --workers N runs N processes on one port.
           --tls-* serves https/wss/tls:// (with --tls-client-ca: mutual TLS); SIGHUP reloads them.
           --observer serves the live observer page at /observer (HTTP).
           HTTP also serves GET /metrics (Prometheus), /healthz and /readyz; --metrics-path P moves
           the metrics, --metrics-path false turns them off (docs/observability.md).
           Settings come from defaults < --config file (or ERLMCP_CONFIG) < ERLMCP_* environment
           variables (e.g. ERLMCP_LIMITS_MAX_IN_FLIGHT=512) < flags; see docs/limits.md.
  bench    Load-tests any MCP server (http(s)/ws(s)/tcp/tls URL or stdio command) with tools/call and prints
           throughput, p50/p90/p99/max latency and errors.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
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
    },
  });
  const [command, module] = positionals;
  if (values.help || !command) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'serve') {
    if (!module) {
      process.stderr.write(`erlmcp serve: missing <module>\n${USAGE}`);
      return 2;
    }
    const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    await serve(
      loadConfig({
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
      }),
    );
    return -1;
  }
  if (command === 'bench') {
    if (!module) {
      process.stderr.write(`erlmcp bench: missing <url|command>\n${USAGE}`);
      return 2;
    }
    const report = await runBench({
      target: module,
      ...(values.tool ? { tool: values.tool } : {}),
      ...(values.args ? { args: JSON.parse(values.args) as Record<string, unknown> } : {}),
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
