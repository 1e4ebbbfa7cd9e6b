/**
 * The Redis key layout (docs/scale.md). Every key of one session carries the session id as its hash
 * tag (`{…}`), so a session's keys live in one Redis Cluster slot and a node reads them in one hop.
 */
export const sessionKey = (sessionId: string): string => `erlmcp:{${sessionId}}:s`;

/** The events of one SSE stream of a session, for `Last-Event-ID` from any node. */
export const streamKey = (sessionId: string, streamId: string): string =>
  `erlmcp:{${sessionId}}:e:${streamId}`;

/** Every node listens here. */
export const BROADCAST_CHANNEL = 'erlmcp:all';

/** One node's own inbox (answers to its server→client requests). */
export const nodeChannel = (nodeId: string): string => `erlmcp:node:${nodeId}`;
