/** The help text of each command; `erlmcp <command> --help` prints it, a usage error repeats it. */
const SERVE_USAGE = `Usage: erlmcp serve <module> [--transport stdio|http|ws|tcp] [--host H] [--port N] [--path /mcp]
                    [--workers N] [--config file.json] [--tls-cert F --tls-key F [--tls-client-ca F]] [--observer]
                    [--metrics-path P|false] [--auth-issuer URL [--auth-audience URL] [--auth-jwks URL]
                    [--auth-introspection URL]] [--redis redis://host:port]

  Runs the McpServer exported by <module> (default export, "server" or "createServer"): a .js/.mjs
  file, or a .ts file where Node strips types (Node >= 22.18; 22.6-22.17 with --experimental-strip-types).
  Network defaults: 127.0.0.1:3000, path /mcp. --workers N runs N processes on one port (HTTP).
  --tls-* serves https/wss/tls:// (with --tls-client-ca: mutual TLS); SIGHUP reloads them.
  --observer serves the live observer page at /observer (HTTP).
  --auth-issuer makes the endpoint an OAuth 2.1 resource server (http, ws): bearer tokens from that
  issuer, JWTs checked against its keys (--auth-jwks, else discovered) or opaque tokens introspected
  (--auth-introspection, with auth.introspection.clientId/clientSecret in the config or environment);
  --auth-audience defaults to the endpoint URL; /metrics and the observer then need scope erlmcp:admin.
  Scopes: auth.requiredScopes in the config file, and "scopes" on tools, resources, prompts (docs/auth.md).
  --redis makes this process one node of a cluster on Redis (http): 2025 sessions, resumable events,
  tasks and list_changed are shared, so any node behind a plain load balancer serves any request.
  Give every node the same ERLMCP_REQUEST_STATE_SECRET (docs/scale.md). Needs npm i @redis/client.
  HTTP also serves GET /metrics (Prometheus), /healthz and /readyz; --metrics-path P moves the metrics,
  --metrics-path false turns them off (docs/observability.md).
  Settings come from defaults < --config file (or ERLMCP_CONFIG) < ERLMCP_* environment variables
  (e.g. ERLMCP_LIMITS_MAX_IN_FLIGHT=512) < flags; see docs/limits.md and docs/security.md.
`;

const GATEWAY_USAGE = `Usage: erlmcp gateway [--config gateway.json] [--upstream NAME=URL|NAME="COMMAND ARGS"]...
                      [--naming prefixed|auto] [serve flags: --transport --host --port --path --observer
                      --tls-* --auth-* --workers ...]

  Serves one MCP endpoint (both eras) in front of the upstream MCP servers of gateway.json and/or
  --upstream (repeatable): stdio commands, or http(s) (Streamable HTTP, falling back to HTTP+SSE),
  ws(s), tcp, tls URLs, of either era. Tools and prompts are named <upstream>__<name> (--naming auto:
  names pass through when unique); resources keep their URIs. Elicitation, sampling, roots, progress,
  logging and cancellation cross between eras. Policy (scopes, rate limits, allow/deny, audit) and
  upstream credentials are in gateway.json: see docs/gateway.md.
  Example: erlmcp gateway --upstream everything="npx -y @modelcontextprotocol/server-everything" --observer
`;

const DEV_USAGE = `Usage: erlmcp dev <module> [--host H] [--port N] [--path /mcp] [--config file.json] [--metrics-path P|false]

  Serves <module> like erlmcp serve --transport http --observer and restarts it when a file under the
  module's directory changes (.js .mjs .cjs .ts .mts .cts .json; node_modules and dot-directories are
  not watched). A module that fails to load is reported and tried again on the next change.
  Prints the MCP endpoint, the observer page and how to attach the MCP Inspector.
  Default 127.0.0.1:3000; --port 0 picks a free port once and keeps it across restarts.
`;

const BENCH_USAGE = `Usage: erlmcp bench <url|"command args"> [--tool NAME --args JSON] [--rate N | --connections N] [--duration S]

  Load-tests any MCP server (http(s)/ws(s)/tcp/tls URL or stdio command) with tools/call and prints
  throughput, p50/p90/p99/max latency and errors counted by reason. Without --tool it calls the first
  tool that needs no arguments. --rate: open loop, N requests a second; --connections: closed loop,
  N in flight (default 16). --duration: seconds (default 10).
`;

const CALL_USAGE = `Usage: erlmcp call <url> <tool|method> [--args JSON] [--json] [--era modern|legacy]
       erlmcp call <tool|method> [--args JSON] [--json] [--era modern|legacy] -- <command> [args...]

  Connects to an MCP server (http(s)/ws(s)/tcp/tls URL, or the stdio server started by the command
  after --, given word for word) and makes one request. A name with a '/' is a JSON-RPC method sent
  as is with --args as its params (tools/list, resources/read...); otherwise it is a tool called
  with --args as its arguments. Prints a tool's text content, other results as JSON; --json prints
  the raw result. Exit 0 on success, 1 when the tool returns isError or the server answers an error,
  2 on a usage error. --era picks the protocol era (default: 2026, falling back to 2025).
  Example: erlmcp call echo --args '{"message":"hi"}' -- node server.js
`;

const INSPECT_USAGE = `Usage: erlmcp inspect <url> [--json] [--era modern|legacy]
       erlmcp inspect [--json] [--era modern|legacy] -- <command> [args...]

  Prints the server's name and version, the negotiated protocol version, its capabilities, and its
  tools, resources, resource templates and prompts (every page; a list is skipped when the server
  does not declare it). --json prints one JSON object instead of the table.
`;

const VALIDATE_USAGE = `Usage: erlmcp validate <url> [--json] [--era modern|legacy|both]
       erlmcp validate [--json] [--era modern|legacy|both] -- <command> [args...]

  Checks a server against both protocol revisions (2025-11-25 sessions, 2026-07-28 stateless):
  lifecycle, version negotiation, error codes, the shape of every result, pagination, cancellation
  and, over HTTP, status codes and headers. Prints one line per check (PASS, FAIL, WARN for a
  SHOULD, SKIP) with the spec section of each failure. --era both (default) checks each era the
  server speaks. It calls only tools marked readOnlyHint. Exit 1 on any FAIL, 0 otherwise.
`;

const USAGE = `Usage: erlmcp serve <module> [options]     (erlmcp serve --help)
       erlmcp dev <module> [options]       (erlmcp dev --help)
       erlmcp bench <url|"command args"> [options]   (erlmcp bench --help)
       erlmcp call <url> <tool|method> [options]   (erlmcp call --help)
       erlmcp inspect <url> [options]   (erlmcp inspect --help)
       erlmcp validate <url> [options]   (erlmcp validate --help)
       erlmcp gateway [--config gateway.json] [--upstream NAME=TARGET]... [options]   (erlmcp gateway --help)
       erlmcp --version
`;

export const COMMANDS = ['serve', 'dev', 'bench', 'call', 'inspect', 'validate', 'gateway'] as const;
export type Command = (typeof COMMANDS)[number];

export function usageOf(command: string | undefined): string {
  if (command === 'serve') return SERVE_USAGE;
  if (command === 'dev') return DEV_USAGE;
  if (command === 'bench') return BENCH_USAGE;
  if (command === 'call') return CALL_USAGE;
  if (command === 'inspect') return INSPECT_USAGE;
  if (command === 'gateway') return GATEWAY_USAGE;
  if (command === 'validate') return VALIDATE_USAGE;
  return USAGE;
}
