import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';

export type Result = Record<string, unknown>;
/** One method of the server: pure core logic, no I/O beyond the exchange's link. */
export type MethodHandler = (core: ServerCore, exchange: Exchange) => Promise<Result> | Result;
