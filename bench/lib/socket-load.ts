import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

/** A message pipe to a server: how the lean generators and the client-transport scenario talk. */
interface Pipe {
  send(batch: string[]): void;
  onLine(handler: (line: string) => void): void;
  close(): void;
}

async function tcpPipe(url: URL): Promise<Pipe> {
  const socket: Socket = connect({ host: url.hostname, port: Number(url.port) });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  let handler: (line: string) => void = () => {};
  let buffered = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      handler(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  return {
    send: (batch) => socket.write(`${batch.join('\n')}\n`),
    onLine: (h) => {
      handler = h;
    },
    close: () => socket.destroy(),
  };
}

async function wsPipe(url: URL): Promise<Pipe> {
  const ws = new WebSocket(url, ['mcp'], { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let handler: (line: string) => void = () => {};
  ws.on('message', (data) => handler(String(data)));
  return {
    send: (batch) => {
      for (const message of batch) ws.send(message);
    },
    onLine: (h) => {
      handler = h;
    },
    close: () => ws.terminate(),
  };
}

/**
 * A lean pipelined generator over one connection (not the erlmcp client, which would be the
 * bottleneck): initialize a 2025 session, then `total` tools/call with `window` in flight.
 */
export async function runSocketLoad(
  target: string,
  total: number,
  window: number,
): Promise<{ seconds: number; rate: number; errors: number }> {
  const url = new URL(target);
  const pipe = url.protocol === 'tcp:' ? await tcpPipe(url) : await wsPipe(url);
  let received = 0;
  let errors = 0;
  let onResponse: () => void = () => {};
  pipe.onLine((line) => {
    if (!line.includes('"id"')) return;
    if (line.includes('"error"')) errors++;
    onResponse();
  });
  await new Promise<void>((resolve) => {
    onResponse = resolve;
    pipe.send([
      JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'bench', version: '1' },
        },
      }),
    ]);
  });
  pipe.send([JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })]);
  const body = (id: number) =>
    `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}`;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const sendMore = () => {
      const batch: string[] = [];
      while (sent < total && sent - received < window) batch.push(body(++sent));
      if (batch.length > 0) pipe.send(batch);
    };
    onResponse = () => {
      received++;
      if (received === total) resolve();
      else if (sent - received <= window / 2) sendMore();
    };
    sendMore();
  });
  const seconds = (performance.now() - started) / 1000;
  pipe.close();
  return { seconds, rate: total / seconds, errors };
}
