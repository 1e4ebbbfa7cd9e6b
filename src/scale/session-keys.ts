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

/**
 * One task, tagged by its id: a task's record is one hash in one slot. Task ids come off the wire,
 * so an id with braces only names a key that does not exist.
 */
export const taskKey = (taskId: string): string => `erlmcp:{task:${taskId}}`;

/**
 * The ids of one owner's tasks (a sorted set, score = creation time), tagged by a digest of the owner:
 * a principal may hold braces, and a key name has no reason to carry it.
 */
export const ownerTasksKey = (ownerDigest: string): string => `erlmcp:{owner:${ownerDigest}}:tasks`;

/** Present while the node lives: it sets the key with a short expiry every second (node-heartbeat.ts). */
export const nodeAliveKey = (nodeId: string): string => `erlmcp:node:${nodeId}:alive`;
