import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hostOriginGuard } from '../host-policy.js';
import { checkUpgrade, offeredSubprotocols, pathOf, rejectUpgrade } from './upgrade-checks.js';

function request(headers: Record<string, string | string[]>): IncomingMessage {
  return { headers: { host: '127.0.0.1:3000', ...headers } } as unknown as IncomingMessage;
}

describe('offeredSubprotocols', () => {
  it('splits, trims and joins repeated headers', () => {
    expect(offeredSubprotocols(undefined)).toEqual([]);
    expect(offeredSubprotocols('mcp')).toEqual(['mcp']);
    expect(offeredSubprotocols(' a , mcp,,')).toEqual(['a', 'mcp']);
    expect(offeredSubprotocols(['a', 'b, mcp'])).toEqual(['a', 'b', 'mcp']);
  });
});

describe('checkUpgrade', () => {
  it('accepts localhost without Origin, with or without offering mcp', () => {
    expect(checkUpgrade(request({}), hostOriginGuard({}))).toBeUndefined();
    expect(
      checkUpgrade(request({ 'sec-websocket-protocol': 'x, mcp' }), hostOriginGuard({})),
    ).toBeUndefined();
    expect(checkUpgrade(request({ origin: 'http://localhost:8080' }), hostOriginGuard({}))).toBeUndefined();
  });

  it('refuses foreign Hosts and Origins with 403 (DNS rebinding, hostile pages)', () => {
    expect(checkUpgrade(request({ host: 'evil.example' }), hostOriginGuard({}))?.status).toBe(403);
    expect(checkUpgrade(request({ origin: 'https://evil.example' }), hostOriginGuard({}))?.status).toBe(403);
    expect(checkUpgrade(request({ origin: 'null' }), hostOriginGuard({}))?.status).toBe(403);
    const options = { allowedHosts: ['api.example'], allowedOrigins: ['https://app.example'] };
    expect(
      checkUpgrade(
        request({ host: 'api.example:443', origin: 'https://app.example' }),
        hostOriginGuard(options),
      ),
    ).toBe(undefined);
    expect(
      checkUpgrade(request({ host: 'evil.example' }), hostOriginGuard({ allowedHosts: '*' })),
    ).toBeUndefined();
  });

  it('refuses clients that offer subprotocols but not mcp with 400', () => {
    const refusal = checkUpgrade(request({ 'sec-websocket-protocol': 'graphql-ws' }), hostOriginGuard({}));
    expect(refusal?.status).toBe(400);
    expect(refusal?.message).toContain('"mcp"');
  });
});

describe('rejectUpgrade and pathOf', () => {
  it('writes a complete HTTP response and ends the socket', async () => {
    const socket = new PassThrough();
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    rejectUpgrade(socket, { status: 503, message: 'busy', headers: { 'retry-after': '1' } });
    await new Promise((resolve) => socket.once('end', resolve));
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(text).toContain('retry-after: 1\r\n');
    expect(text).toContain('content-length: 5\r\n');
    expect(text.endsWith('\r\n\r\nbusy\n')).toBe(true);
    socket.destroy();
  });

  it('drops the query', () => {
    expect(pathOf('/mcp?x=1')).toBe('/mcp');
    expect(pathOf(undefined)).toBe('/');
  });
});
