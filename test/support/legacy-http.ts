/** Plain fetch calls of the 2025 HTTP binding, for tests that must see every status and header. */
export const LEGACY_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/** An `initialize` request of a 2025-11-25 client. */
export const INITIALIZE = {
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
};

/** POSTs one JSON-RPC message (`jsonrpc` added), in session `sessionId` when given. */
export function postLegacy(url: string, sessionId: string | undefined, message: object): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...LEGACY_HEADERS, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
}

/** initialize + notifications/initialized; throws unless they answer 200 and 202. */
export async function openLegacySession(url: string): Promise<string> {
  const opened = await postLegacy(url, undefined, INITIALIZE);
  if (opened.status !== 200) throw new Error(`initialize answered ${opened.status}: ${await opened.text()}`);
  const sessionId = opened.headers.get('mcp-session-id')!;
  const initialized = await postLegacy(url, sessionId, { method: 'notifications/initialized' });
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return sessionId;
}
