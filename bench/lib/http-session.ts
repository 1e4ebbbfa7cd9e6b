/** Headers every Streamable HTTP request of the benchmarks carries. */
export const ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

export const INITIALIZE_2025 = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
});

/**
 * Opens one 2025-11-25 session (initialize + notifications/initialized) and returns the headers a
 * request in that session needs.
 */
export async function openSession(url: string): Promise<Record<string, string>> {
  const init = await fetch(url, { method: 'POST', headers: ACCEPT, body: INITIALIZE_2025 });
  const session = init.headers.get('mcp-session-id');
  await init.text();
  if (!session) throw new Error(`${url}: no session id (status ${init.status})`);
  const headers = { ...ACCEPT, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
  const ack = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await ack.text();
  return headers;
}
