import { readFileSync } from 'node:fs';
import { type GatewayConfig, parseGatewayConfig, upstreamFromFlag } from '../gateway/config.js';
import { Gateway } from '../gateway/gateway.js';
import type { GATEWAY_OPTIONS } from './options.js';
import { serve } from './serve.js';
import { type ServeFlags, serveConfig } from './serve-flags.js';
import { UsageError } from './usage-error.js';

type GatewayFlags = ServeFlags & {
  upstream?: string[] | undefined;
  naming?: string | undefined;
} & Partial<Record<keyof typeof GATEWAY_OPTIONS, unknown>>;

/** `erlmcp gateway`: the gateway file and `--upstream` flags make the gateway; serve flags say where it listens. */
export async function gateway(flags: GatewayFlags): Promise<void> {
  const config = gatewayConfig(flags);
  const { upstream: _upstreams, naming: _naming, config: _file, ...serveFlags } = flags;
  const settings = serveConfig('(gateway)', serveFlags as ServeFlags);
  let running: Gateway | undefined;
  await serve(settings, {
    load: async () => {
      running = new Gateway(config);
      await running.start();
      return running.server;
    },
    afterClose: async () => {
      await running?.close();
    },
  });
}

/** gateway.json (when given) with the `--upstream` flags added and `--naming` over its naming. */
export function gatewayConfig(flags: GatewayFlags): GatewayConfig {
  let base: Record<string, unknown> = { upstreams: {} };
  if (typeof flags.config === 'string') {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the gateway file ${flags.config}: ${(error as Error).message}`);
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${flags.config} is not JSON: ${(error as Error).message}`);
    }
  }
  const upstreams = { ...(base.upstreams as Record<string, unknown> | undefined) };
  for (const flag of flags.upstream ?? []) {
    const [name, upstream] = upstreamFromFlag(flag);
    if (name in upstreams) throw new UsageError(`--upstream ${name}: that upstream is already configured`);
    upstreams[name] = upstream;
  }
  if (Object.keys(upstreams).length === 0)
    throw new UsageError('no upstreams: give --config gateway.json or --upstream NAME=URL|COMMAND');
  const naming = flags.naming ?? base.naming;
  if (naming !== undefined && naming !== 'prefixed' && naming !== 'auto')
    throw new UsageError(`--naming must be prefixed or auto (got "${String(naming)}")`);
  return parseGatewayConfig({ ...base, upstreams, ...(naming ? { naming } : {}) });
}
