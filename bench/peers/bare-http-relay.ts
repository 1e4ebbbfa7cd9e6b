/**
 * The floor of any Node relay, for the gateway bench: a `node:http` server that forwards each POST
 * body as it is to `--upstream URL` over keep-alive sockets (erlmcp's `RawHttpPool`) and writes the
 * upstream's answer back — no JSON parsing, no MCP, no policy. What a gateway in Node cannot beat on
 * the same cores; prints its URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { RawHttpPool } from '../../src/transports/http/raw-http-pool.js';

const { values } = parseArgs({ options: { upstream: { type: 'string' } } });
if (!values.upstream) throw new Error('--upstream URL is required');
const pool = new RawHttpPool(new URL(values.upstream));
const FORWARDED = ['content-type', 'accept', 'mcp-protocol-version', 'mcp-method', 'mcp-name'];

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    try {
      const answer = await pool.request({ method: 'POST', headers, body: Buffer.concat(chunks).toString() });
      const text = await answer.text();
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`URL http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
});
process.once('SIGINT', () => process.exit(0));
