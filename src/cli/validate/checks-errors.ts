import type { Peer } from './peers.js';
import type { Report } from './report.js';
import { toolResultShape } from './shapes.js';
import { describe, errorOf, resultOf } from './wire.js';

/** Unknown method: -32601 in both eras; over 2026 HTTP also status 404. */
export async function checkMethodNotFound(peer: Peer, report: Report): Promise<void> {
  const method = 'erlmcp-validate/no-such-method';
  const reply = await peer.call(method);
  report.check(
    'errors.method-not-found',
    peer.era,
    errorOf(reply)?.code === -32601 ? undefined : `${method} was answered ${describe(reply)}`,
  );
  if (peer.era === 'modern') report.checkStatus('http.method-not-found-status', 'modern', reply, 404, method);
}

/** tools/call of a tool the server does not have: a protocol error (-32602), not a tool result. */
export async function checkUnknownTool(peer: Peer, report: Report): Promise<void> {
  const name = 'erlmcp-validate-no-such-tool';
  const reply = await peer.call('tools/call', { name, arguments: {} });
  const error = errorOf(reply);
  const result = resultOf(reply);
  report.check(
    'errors.unknown-tool',
    peer.era,
    error?.code === -32602
      ? undefined
      : result?.isError === true
        ? `tools/call of unknown tool "${name}" returned an isError result instead of error -32602`
        : `tools/call of unknown tool "${name}" was answered ${describe(reply)}`,
  );
  // A tool result, even a wrong one, still has to be a tool result.
  if (result && !error) {
    const problem = toolResultShape(result);
    if (problem) report.fail('results.tool-call', peer.era, `unknown tool's result: ${problem}`);
  }
}

/**
 * Cancellation: a request cancelled in flight (notifications/cancelled; on 2026 HTTP, the request's
 * stream dropped) leaves the server answering the next request.
 */
export async function checkCancellation(peer: Peer, report: Report, method: string): Promise<void> {
  await peer.cancel(method);
  const after = await peer.call(method);
  report.check(
    'cancellation',
    peer.era,
    resultOf(after) ? undefined : `after a cancelled ${method}, the next one was answered ${describe(after)}`,
    `${method} answered after a cancelled one`,
  );
}
