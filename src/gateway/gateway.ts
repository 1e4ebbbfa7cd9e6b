import type { HttpAuth } from '../auth/client/http-auth.js';
import type { Transport } from '../core/transport.js';
import { McpServer } from '../server/mcp-server.js';
import { useMethods } from '../server/methods.js';
import type { McpServerOptions } from '../server/options.js';
import type { RegistryKind } from '../server/registry.js';
import type { UpstreamStatus } from '../server/status-board.js';
import type { ParamHeader } from '../transports/http/x-mcp-header.js';
import { StdioClientTransport } from '../transports/stdio/client-transport.js';
import { transportForUrl } from '../transports/transport-for-url.js';
import { Catalog } from './catalog.js';
import { expandEnv, type GatewayConfig, parseGatewayConfig, type UpstreamConfig } from './config.js';
import { gatewayMethods } from './methods.js';
import { type AuditLine, GatewayPolicy } from './policy.js';
import { Upstream, type UpstreamHealth } from './upstream.js';

export interface GatewayOptions {
  /** Server options of the gateway's own endpoint (name, limits, auth-related settings…). */
  server?: Partial<McpServerOptions>;
  /** Where audit lines go. Default: one JSON line each on stderr (`audit: false` turns them off). */
  onAudit?: (line: AuditLine) => void;
  /** Where upstream events are reported (unreachable, gave up). Default: stderr. */
  onDiagnostic?: (message: string) => void;
}

const POOL_DEFAULT = { stdio: 4, remote: 16 };

/**
 * An MCP gateway: one endpoint, both eras, in front of any number of upstream MCP servers of
 * either era on any transport. Its `server` is an ordinary McpServer whose lists and calls come
 * from the upstreams; serve it on any transport (`serveHttp(gateway.server)`, `erlmcp gateway`).
 */
export class Gateway {
  readonly server: McpServer;
  readonly upstreams: readonly Upstream[];
  readonly catalog: Catalog;
  readonly policy: GatewayPolicy;
  readonly #configs = new Map<Upstream, UpstreamConfig>();
  readonly #ownInstructions: string | undefined;

  constructor(config: GatewayConfig, options: GatewayOptions = {}) {
    const checked = parseGatewayConfig(config);
    const diagnostic =
      options.onDiagnostic ?? ((message: string) => process.stderr.write(`[erlmcp gateway] ${message}\n`));
    this.server = new McpServer({
      name: checked.name ?? 'erlmcp-gateway',
      version: checked.version ?? '0.1.0',
      ...options.server,
    });
    const core = this.server.core;
    this.#ownInstructions = options.server?.instructions;
    const upstreams: Upstream[] = [];
    for (const [name, upstreamConfig] of Object.entries(checked.upstreams)) {
      const upstream: Upstream = new Upstream(
        {
          name,
          prefix: upstreamConfig.prefix ?? `${name}__`,
          era: upstreamConfig.era ?? 'auto',
          poolSize:
            upstreamConfig.poolSize ?? (upstreamConfig.command ? POOL_DEFAULT.stdio : POOL_DEFAULT.remote),
          timeoutMs: upstreamConfig.timeoutMs ?? 60_000,
          breaker: { failureThreshold: 3, openMs: 5_000, ...upstreamConfig.circuitBreaker },
          restart: {
            maxRestarts: upstreamConfig.restart?.maxRestarts ?? 10,
            periodMs: upstreamConfig.restart?.periodMs ?? 60_000,
            maxDelayMs: upstreamConfig.restart?.maxDelayMs ?? 5_000,
          },
          transport: () => {
            throw new Error(`upstream ${name} is not started`);
          },
          diagnostic,
        },
        {
          listChanged: (kind: RegistryKind) => {
            if (kind === 'tools') this.#composeInstructions();
            this.catalog.invalidate(upstream, kind);
            core.listChanged(kind);
          },
          resourceUpdated: (uri: string) => core.resourceUpdated(uri),
        },
      );
      this.#configs.set(upstream, upstreamConfig);
      upstreams.push(upstream);
    }
    this.upstreams = upstreams;
    const audit = checked.audit ?? true;
    const writeAudit =
      audit === false
        ? undefined
        : (options.onAudit ??
          ((line: AuditLine) => process.stderr.write(`${JSON.stringify({ audit: line })}\n`)));
    this.policy = new GatewayPolicy(checked, (upstream) => this.#configs.get(upstream) ?? {}, writeAudit);
    this.catalog = new Catalog(upstreams, checked.naming ?? 'prefixed', this.policy);
    useMethods(core, gatewayMethods({ catalog: this.catalog, policy: this.policy }));
    core.toolLookup = (name) => this.catalog.knownTool(name);
    // The observer page and metrics read the upstreams' health through the core, not the gateway.
    core.status.reportUpstreams(() => this.health().map(upstreamStatus));
  }

  /** Connects every upstream; one that cannot be reached yet is retried in the background. */
  async start(): Promise<void> {
    await Promise.all(
      this.upstreams.map(async (upstream) => {
        const config = this.#configs.get(upstream) as UpstreamConfig;
        upstream.settings.transport = await transportFactory(upstream.name, config);
        await upstream.start();
      }),
    );
    // The tools are known before the first call, so its Mcp-Param-* headers are checked too.
    await this.catalog.tools().catch(() => {});
  }

  /**
   * The upstreams' instructions, each under its name (one upstream's as they are), unless the
   * gateway's own were configured. Recomputed when an upstream comes or goes.
   */
  #composeInstructions(): void {
    if (this.#ownInstructions !== undefined) return;
    const given = this.upstreams
      .filter((upstream) => upstream.up && upstream.instructions)
      .map((upstream) => ({ name: upstream.name, text: upstream.instructions as string }));
    this.server.core.instructions =
      given.length === 0
        ? undefined
        : given.length === 1 && this.upstreams.length === 1
          ? given[0]?.text
          : given.map(({ name, text }) => `## ${name}\n${text}`).join('\n\n');
  }

  health(): UpstreamHealth[] {
    return this.upstreams.map((upstream) => upstream.health());
  }

  /** Stops serving (drains the server) and closes every upstream (stdio servers are shut down). */
  async close(): Promise<void> {
    await this.server.close();
    await Promise.all(this.upstreams.map((upstream) => upstream.close()));
  }
}

/** Builds and starts a gateway. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const gateway = new Gateway(config, options);
  await gateway.start();
  return gateway;
}

/** How to open a connection to one upstream; OAuth is loaded only for an upstream that uses it. */
async function transportFactory(name: string, config: UpstreamConfig): Promise<() => Transport> {
  if (config.command) {
    const command = config.command;
    const env = { ...process.env };
    for (const [key, value] of Object.entries(config.env ?? {})) env[key] = expandEnv(value);
    return () =>
      new StdioClientTransport({
        command,
        args: config.args ?? [],
        env,
        ...(config.cwd ? { cwd: config.cwd } : {}),
        // An upstream's stderr is its log: shown, tagged with its name, line by line.
        stderr: 'pipe',
        onStderr: (chunk) => process.stderr.write(tagLines(name, chunk)),
      });
  }
  const headers: Record<string, string> = {};
  const auth = config.auth;
  for (const [key, value] of Object.entries({
    ...config.headers,
    ...(auth && 'headers' in auth ? auth.headers : {}),
  }))
    headers[key] = expandEnv(value);
  let httpAuth: HttpAuth | undefined;
  if (auth && 'clientCredentials' in auth) {
    const { OAuthClient } = await import('../auth/client/oauth-client.js');
    const credentials = auth.clientCredentials;
    httpAuth = new OAuthClient({
      clientCredentials: {
        ...credentials,
        ...(credentials.clientSecret ? { clientSecret: expandEnv(credentials.clientSecret) } : {}),
      },
    });
  }
  const url = config.url as string;
  // Tools are listed on one connection and called on any: their x-mcp-header arguments are shared.
  const toolHeaders = new Map<string, ParamHeader[]>();
  return () =>
    transportForUrl(url, {
      http: { headers, toolHeaders, ...(httpAuth ? { auth: httpAuth } : {}) },
      websocket: { headers, ...(httpAuth ? { auth: httpAuth } : {}) },
    });
}

function upstreamStatus({ serverInfo, ...status }: UpstreamHealth): UpstreamStatus {
  return { ...status, server: serverInfo ? `${serverInfo.name} ${serverInfo.version}` : undefined };
}

function tagLines(name: string, chunk: string): string {
  return chunk
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => `[${name}] ${line}\n`)
    .join('');
}
