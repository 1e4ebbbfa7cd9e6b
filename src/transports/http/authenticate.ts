import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthRefusal, type BearerAuth } from '../../auth/resource-server/bearer-auth.js';
import type { AuthInfo } from '../../core/auth-info.js';
import { sendAuthRefusal } from './http-responses.js';

/**
 * The credentials of a request on an endpoint that needs them, for endpoints off the hot path (the
 * 2024-11-05 HTTP+SSE pair, authorized once per stream): undefined after answering a refusal
 * (401/400/403), which the caller then leaves alone.
 */
export async function authenticatedOrRefused(
  auth: BearerAuth,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<AuthInfo | undefined> {
  const outcome = await auth.authorizeConnection(req.headers.authorization, req.url);
  if (!(outcome instanceof AuthRefusal)) return outcome;
  sendAuthRefusal(res, outcome);
  return undefined;
}
