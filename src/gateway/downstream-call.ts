import { McpError } from '../jsonrpc/errors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { LoggingLevel } from '../protocol/types.js';
import { LOGGING_LEVELS } from '../protocol/types.js';
import type { RequestContext } from '../server/context.js';

/**
 * The downstream request an upstream call works for: what the upstream asks (elicitation,
 * sampling, roots) and logs during the call goes back to it, in the downstream's own era.
 */
export interface DownstreamCall {
  /** `key`: the upstream's name of a 2026 input request, kept downstream (absent for 2025 requests). */
  answer(method: string, params: Record<string, unknown>, key?: string): Promise<Record<string, unknown>>;
  log(params: Record<string, unknown>): void;
}

const LEVELS = new Set<string>(LOGGING_LEVELS);

/**
 * Bridges through the handler context: a 2025 downstream gets a real request; a 2026 one gets an
 * `InputRequiredResult` round (the context's replay), and the retry runs the upstream call again.
 */
export function downstreamOf(ctx: RequestContext): DownstreamCall {
  return {
    async answer(method, params, key) {
      const options = key === undefined ? undefined : { key };
      switch (method) {
        case 'elicitation/create':
          return (await ctx.elicit(params as never, options)) as unknown as Record<string, unknown>;
        case 'sampling/createMessage':
          return (await ctx.sample(params as never, options)) as unknown as Record<string, unknown>;
        case 'roots/list':
          return (await ctx.listRoots(options)) as unknown as Record<string, unknown>;
        default:
          throw new McpError(ErrorCode.MethodNotFound, `The gateway does not relay ${method}`);
      }
    },
    log(params) {
      const level = params.level;
      if (typeof level !== 'string' || !LEVELS.has(level)) return;
      const logger = typeof params.logger === 'string' ? params.logger : undefined;
      void ctx.log(level as LoggingLevel, params.data, logger);
    },
  };
}

/** No downstream request (lists, reads): the upstream asking for input is refused. */
export const NO_DOWNSTREAM: DownstreamCall = {
  answer(method) {
    return Promise.reject(
      new McpError(ErrorCode.InvalidRequest, `${method} is only relayed during a tool call or prompt`),
    );
  },
  log() {},
};
