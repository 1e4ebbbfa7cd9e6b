import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { serverTlsOptions, type TlsOptions } from './tls/tls-options.js';

/** The whole request (headers and body) of an HTTP entry point must arrive within this. */
export const DEFAULT_RECEIVE_TIMEOUT_MS = 30_000;

/**
 * Node's own request deadline (headers and body; 408 and the socket closed when passed), at erlmcp's
 * `receiveTimeoutMs` instead of Node's 300 s. Node sweeps for late requests every
 * `connectionsCheckingInterval`; a second keeps the deadline within a second of its figure.
 */
export function receiveTimeouts(options: { receiveTimeoutMs?: number }): {
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval: number;
} {
  const timeout = options.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS;
  return {
    requestTimeout: timeout,
    // Node refuses a headers deadline longer than the request's; 0 turns both off.
    headersTimeout: timeout === 0 ? 0 : Math.min(timeout, 60_000),
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor((timeout || 30_000) / 4))),
  };
}

/** The node:http server (node:https with `tls`) an erlmcp HTTP entry point listens with. */
export function createHttpServer(
  requestListener: RequestListener,
  options: { tls?: TlsOptions | undefined; receiveTimeoutMs?: number },
): Server | HttpsServer {
  const timeouts = receiveTimeouts(options);
  return options.tls
    ? createHttpsServer({ ...serverTlsOptions(options.tls), ...timeouts }, requestListener)
    : createServer(timeouts, requestListener);
}
