import { describe, expect, it } from 'vitest';
import {
  authorizationServerMetadataUrls,
  canonicalResourceUri,
  protectedResourceMetadataUrls,
  resourceCovers,
} from './well-known.js';

const hrefs = (urls: { href: string }[]) => urls.map((url) => url.href);

describe('well-known metadata URLs', () => {
  it('Protected Resource Metadata: path-inserted, then root (RFC 9728 §3.1)', () => {
    expect(hrefs(protectedResourceMetadataUrls('https://mcp.example.com/public/mcp'))).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp',
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ]);
    expect(hrefs(protectedResourceMetadataUrls('https://mcp.example.com/mcp/?x=1'))).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp?x=1',
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ]);
    expect(hrefs(protectedResourceMetadataUrls('https://mcp.example.com/'))).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ]);
  });

  it('authorization server metadata in the MCP order, with and without an issuer path', () => {
    expect(
      hrefs(authorizationServerMetadataUrls('https://auth.example.com/tenant1').map((c) => c.url)),
    ).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ]);
    expect(hrefs(authorizationServerMetadataUrls('https://auth.example.com').map((c) => c.url))).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server',
      'https://auth.example.com/.well-known/openid-configuration',
    ]);
  });

  it('canonical resource URIs and which metadata covers an endpoint', () => {
    expect(canonicalResourceUri('HTTPS://MCP.Example.com/')).toBe('https://mcp.example.com');
    expect(canonicalResourceUri('https://mcp.example.com/mcp#x')).toBe('https://mcp.example.com/mcp');
    expect(resourceCovers('https://mcp.example.com', 'https://mcp.example.com/mcp')).toBe(true);
    expect(resourceCovers('https://mcp.example.com/mcp', 'https://mcp.example.com/mcp')).toBe(true);
    expect(resourceCovers('https://mcp.example.com/mc', 'https://mcp.example.com/mcp')).toBe(false);
    expect(resourceCovers('https://evil.example.com/mcp', 'https://mcp.example.com/mcp')).toBe(false);
    expect(resourceCovers('not a url', 'https://mcp.example.com/mcp')).toBe(false);
  });
});
