import type { IncomingMessage, ServerResponse } from 'node:http';
import { draining, tooManyStreams } from '../../admission/limit-errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { sendError, sendRefusal } from './http-responses.js';
import type { HttpSession } from './http-session.js';
import { header } from './request-headers.js';
import { type ResumeContext, resumeStream } from './session-resume.js';
import { SseStream } from './sse-stream.js';

/**
 * A 2025 session's GET: resumes a stream after `Last-Event-ID`, or opens the session's one
 * standalone stream (409 while it is open), within the draining and streams-per-session limits.
 */
export async function openGetStream(
  context: ResumeContext,
  session: HttpSession,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { core, store, cluster, streamLimits } = context;
  if (core.supervisor.draining) {
    sendRefusal(res, draining(core.supervisor.limits.retryAfterMs));
    return;
  }
  if (session.openStreams() >= core.supervisor.limits.maxStreamsPerSession) {
    sendRefusal(res, tooManyStreams(core.supervisor.limits.maxStreamsPerSession));
    return;
  }
  session.touch();
  const lastEventId = header(req, 'last-event-id');
  if (lastEventId !== undefined) {
    await resumeStream(context, session, res, lastEventId);
    return;
  }
  if (session.standalone?.attached) {
    sendError(res, 409, ErrorCode.InvalidRequest, 'Conflict: a GET stream is already open for this session');
    return;
  }
  const stream = new SseStream(session.nextStreamId(true), {
    ...streamLimits,
    resumable: session.resumableIn(store),
  });
  session.standalone = stream;
  stream.open(res);
  cluster?.streamOpened(session, stream.id);
}
