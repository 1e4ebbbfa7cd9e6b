import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Who sent a request, for per-IP rate limits and logs. Undefined for requests with no socket (Fetch). */
export type ClientAddress = (req: IncomingMessage) => string | undefined;

/**
 * Where a cluster worker puts the peer address a request arrived with on another worker (set only
 * for requests that carry the cluster's secret on the private port).
 */
export const FORWARDED_ADDRESS = Symbol('erlmcp.forwardedAddress');

type Forwarded = IncomingMessage & { [FORWARDED_ADDRESS]?: string };

/** The address of the connection a request came on (its first worker's, when proxied in a cluster). */
function peerOf(req: IncomingMessage): string | undefined {
  return (req as Forwarded)[FORWARDED_ADDRESS] ?? req.socket?.remoteAddress;
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function plain(address: string): string {
  return MAPPED_V4.exec(address)?.[1] ?? address;
}

/**
 * The client's address. Without trusted proxies it is the socket's peer: `X-Forwarded-For` is
 * ignored, since any client can write it. With them (addresses or CIDR ranges), a request whose peer
 * is a trusted proxy is attributed to the nearest untrusted hop of `X-Forwarded-For`, read from the
 * right (each proxy appends the address it saw); a malformed hop stops the walk at the proxy.
 */
export function clientAddressOf(trustedProxies: readonly string[] | undefined): ClientAddress {
  if (!trustedProxies || trustedProxies.length === 0) return peerOf;
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      throw new TypeError(`trustedProxies: "${entry}" is not an IP address or CIDR range`);
    }
    trusted.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    const peer = peerOf(req);
    if (peer === undefined || !isTrusted(plain(peer))) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    let nearest = plain(peer);
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = plain(hops[index]!.trim());
      if (hop === '') continue;
      if (isIP(hop) === 0) return nearest;
      nearest = hop;
      if (!isTrusted(hop)) return hop;
    }
    return nearest;
  };
}
