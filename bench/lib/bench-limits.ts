import type { McpServerOptions } from '../../src/server/options.js';

/**
 * Benchmarks measure throughput, not admission control: erlmcp's default runtime limits (per-session
 * rate, in-flight caps, event-loop load shedding, session cap) would answer most of a pipelined load
 * on one session with 429/503 errors, and the peers have no such limits. The overload scenario is
 * where the limits themselves are measured.
 */
export function benchServerOptions(): Pick<McpServerOptions, 'limits'> {
  return {
    limits: {
      maxSessions: 10_000_000,
      maxSessionsPerPrincipal: 10_000_000,
      maxInFlight: 10_000_000,
      maxInFlightPerSession: 10_000_000,
      maxEventLoopDelayMs: 0,
      rate: { perSession: false, perPrincipal: false, perIp: false },
    },
  };
}
