import type { BearerAuth } from '../../auth/resource-server/bearer-auth.js';
import type { AuthInfo } from '../../core/auth-info.js';
import type { JsonRpcRequest } from '../../jsonrpc/message.js';
import type { ServerCore } from '../../server/core.js';
import { missingScopes, requiredScopes } from '../../server/scopes.js';

/**
 * Every scope `request` needs when its token lacks any of them (one 403 then names them all),
 * decided from the method and params before anything runs; undefined when it may run.
 */
export function unmetScopes(
  auth: BearerAuth,
  core: ServerCore,
  info: AuthInfo,
  request: JsonRpcRequest,
): readonly string[] | undefined {
  const needed = requiredScopes(core, request.method, request.params ?? {}, auth.requiredScopes);
  return missingScopes(needed, info.scopes).length > 0 ? needed : undefined;
}
