/** The ceiling: a raw JSON-RPC loop over stdio that answers tools/call with no MCP logic at all. */
import { createInterface } from 'node:readline';

const lines = createInterface({ input: process.stdin });
let out: string[] = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  const chunk = out.join('');
  out = [];
  process.stdout.write(chunk);
};
lines.on('line', (line) => {
  const message = JSON.parse(line) as {
    id?: number;
    method: string;
    params?: { arguments?: { message?: string } };
  };
  if (message.id === undefined) return;
  const result =
    message.method === 'initialize'
      ? {
          protocolVersion: '2025-11-25',
          capabilities: { tools: {} },
          serverInfo: { name: 'raw', version: '1' },
        }
      : { content: [{ type: 'text', text: `Echo: ${message.params?.arguments?.message ?? ''}` }] };
  out.push(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n`);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
