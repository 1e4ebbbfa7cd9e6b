import type { ServerResponse } from 'node:http';
import { sharedStateUnavailable } from '../../admission/limit-errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ServerCore } from '../../server/core.js';
import type { ClusterSessions } from './cluster-sessions.js';
import type { EventStore, Replay } from './event-store.js';
import { sendError, sendRefusal } from './http-responses.js';
import type { HttpSession } from './http-session.js';
import { SseStream, type SseStreamOptions } from './sse-stream.js';
import { sequenceOf } from './stream-following.js';

/** What resuming a 2025 stream needs from its endpoint. */
export interface ResumeContext {
  core: ServerCore;
  store: EventStore;
  cluster: ClusterSessions | undefined;
  streamLimits: Omit<SseStreamOptions, 'resumable'>;
}

const SSE_RESUMED = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/**
 * GET + Last-Event-ID: replays the stream's events after that id, then continues it live when it
 * still runs: here, or (in a cluster) on the node writing it, which sends the rest over pub/sub.
 */
export async function resumeStream(
  context: ResumeContext,
  session: HttpSession,
  res: ServerResponse,
  lastEventId: string,
): Promise<void> {
  const { core, store, cluster, streamLimits } = context;
  let replay: Replay | undefined;
  try {
    replay = await store.replay(session.id, lastEventId);
  } catch (error) {
    core.diagnostic('events could not be read from the shared store', error);
    sendRefusal(res, sharedStateUnavailable(core.supervisor.limits.retryAfterMs));
    return;
  }
  const streamId = replay?.streamId ?? lastEventId.slice(0, Math.max(lastEventId.lastIndexOf('.'), 0));
  const live =
    session.streams.get(streamId) ?? (session.standalone?.id === streamId ? session.standalone : undefined);
  const writer = cluster && !live ? session.writerOf(streamId) : undefined;
  if (cluster && writer !== undefined && writer !== cluster.nodeId && !isStandalone(streamId)) {
    // A request stream another node writes. It knows the stream best: the shared store is written
    // behind it, so an event the client saw may not be there yet.
    const stream = new SseStream(streamId, streamLimits);
    const after = sequenceOf(replay?.events[replay.events.length - 1]?.id ?? lastEventId);
    if (replay) {
      res.writeHead(200, SSE_RESUMED);
      stream.attach(res);
      stream.replay(replay.events);
      cluster.follow(session, stream, after, res);
      return;
    }
    const known = await cluster.follow(session, stream, after);
    if (known !== true || res.destroyed) {
      cluster.unfollow(stream);
      if (!res.destroyed) unknownEvent(res);
      return;
    }
    res.writeHead(200, SSE_RESUMED);
    cluster.attachFollowed(stream, res);
    return;
  }
  if (!replay) {
    unknownEvent(res);
    return;
  }
  res.writeHead(200, SSE_RESUMED);
  if (live && !live.ended) {
    live.attach(res);
    live.replay(replay.events);
  } else if (cluster && !live && isStandalone(streamId)) {
    // The GET stream of a node that is gone (or let go): replayed here, then continued live here
    // under a stream id of this node (the client resumes from whatever id it saw last).
    const stream = new SseStream(session.nextStreamId(true), {
      ...streamLimits,
      resumable: session.resumableIn(store),
    });
    session.standalone?.end();
    session.standalone = stream;
    stream.attach(res);
    stream.replay(replay.events);
    cluster.streamOpened(session, stream.id);
  } else {
    const finished = new SseStream(streamId, streamLimits);
    finished.attach(res);
    finished.replay(replay.events);
    finished.end();
  }
}

/** Whether a stream id is one of a session's GET streams in a cluster (see `nextStreamId`). */
function isStandalone(streamId: string): boolean {
  return /-g\d+$/.test(streamId);
}

/**
 * Not 404: the spec keeps 404 for a session that is gone, and a client that gets it MUST start a new
 * session; an expired event id would cost a live session. 400 (as the SDK v1 server answers an id its
 * store cannot place) says only that this stream cannot be resumed, and why.
 */
function unknownEvent(res: ServerResponse): void {
  sendError(
    res,
    400,
    ErrorCode.InvalidRequest,
    'Bad Request: Last-Event-ID names no event of this session that can still be replayed ' +
      '(expired, evicted or unknown); the session itself is still open',
  );
}
