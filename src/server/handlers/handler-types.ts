import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';

export type Result = Record<string, unknown>;
/** Hot paths stay synchronous when the work is: a promise only where something is awaited. */
export type MaybePromise<T> = T | Promise<T>;
/** One method of the server: pure core logic, no I/O beyond the exchange's link. */
export type MethodHandler = (core: ServerCore, exchange: Exchange) => MaybePromise<Result>;
