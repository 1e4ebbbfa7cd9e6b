import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthRefusal, type BearerAuth } from '../auth/resource-server/bearer-auth.js';
import { sendAuthRefusal } from '../transports/http/http-responses.js';

/** Default scope of the admin routes (`/metrics`, the observer) of a server that checks tokens. */
export const ADMIN_SCOPE = 'erlmcp:admin';

/**
 * Admin routes on a server that checks tokens: `next` runs only for a valid token holding `scopes`
 * (401/403 with a challenge otherwise).
 */
export function requireAdmin(
  auth: BearerAuth,
  scopes: readonly string[],
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
): void {
  void Promise.resolve(auth.authenticate(req.headers.authorization, req.url)).then((outcome) => {
    if (outcome instanceof AuthRefusal) sendAuthRefusal(res, outcome);
    else if (!scopes.every((scope) => outcome.scopes.includes(scope)))
      sendAuthRefusal(res, auth.insufficientScope(scopes));
    else next();
  });
}
