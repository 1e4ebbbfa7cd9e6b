import { Client } from '../../src/client/client.js';
import type { ClientOptions } from '../../src/client/options.js';
import { type HttpServerHandle, StreamableHttpClientTransport, serveHttp } from '../../src/exports/http.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { McpServer } from '../../src/server/mcp-server.js';

/** An upstream McpServer over HTTP, a pass-through gateway (one upstream, `naming: auto`) in front of it. */
export interface PassThrough {
  gateway: Gateway;
  url: string;
  upstreamUrl: string;
  /** A client of the gateway, closed with the rest. */
  client(options?: ClientOptions): Promise<Client>;
  close(): Promise<void>;
}

export async function passThrough(upstream: McpServer): Promise<PassThrough> {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const served: HttpServerHandle = await serveHttp(upstream, { port: 0 });
    stops.push(() => served.close());
    const gateway = new Gateway(
      { upstreams: { up: { url: served.url } }, naming: 'auto', audit: false },
      { onDiagnostic: () => {}, server: { onDiagnostic: () => {} } },
    );
    await gateway.start();
    stops.push(() => gateway.close());
    const front = await serveHttp(gateway.server, { port: 0 });
    stops.push(() => front.close());
    return {
      gateway,
      url: front.url,
      upstreamUrl: served.url,
      async client(options: ClientOptions = {}) {
        const client = new Client({ name: 'gateway-probe', version: '1' }, options);
        await client.connect(new StreamableHttpClientTransport(front.url));
        stops.push(() => client.close());
        return client;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
