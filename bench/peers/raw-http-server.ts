/** The ceiling: node:http answering tools/call JSON-RPC with no MCP logic at all. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const http = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      id: number;
      params?: { arguments?: { message?: string } };
    };
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: message.id,
      result: { content: [{ type: 'text', text: `Echo: ${message.params?.arguments?.message ?? ''}` }] },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
http.listen(0, '127.0.0.1', () =>
  console.log(`URL http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
);
process.once('SIGINT', () => process.exit(0));
