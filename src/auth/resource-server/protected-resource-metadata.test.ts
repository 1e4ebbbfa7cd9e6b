import { describe, expect, it } from 'vitest';
import {
  canonicalResource,
  metadataPaths,
  metadataUrl,
  resourceText,
} from './protected-resource-metadata.js';

describe('canonical resource URI (RFC 8707, MCP authorization)', () => {
  it('lower-cases scheme and host, drops the default port, the fragment and a trailing slash', () => {
    const url = canonicalResource('HTTPS://MCP.Example.COM:443/Server/MCP/#section');
    expect(url.href).toBe('https://mcp.example.com/Server/MCP');
    expect(resourceText(url)).toBe('https://mcp.example.com/Server/MCP');
  });

  it('keeps a non-default port and the path case', () => {
    expect(resourceText(canonicalResource('http://127.0.0.1:8080/mcp'))).toBe('http://127.0.0.1:8080/mcp');
  });

  it('writes a root resource without a trailing slash', () => {
    expect(resourceText(canonicalResource('https://mcp.example.com/'))).toBe('https://mcp.example.com');
    expect(resourceText(canonicalResource('https://mcp.example.com'))).toBe('https://mcp.example.com');
  });

  it('accepts a URL object and does not change it', () => {
    const given = new URL('https://mcp.example.com/mcp/#x');
    expect(canonicalResource(given).href).toBe('https://mcp.example.com/mcp');
    expect(given.href).toBe('https://mcp.example.com/mcp/#x');
  });

  it('refuses what is not an absolute URL', () => {
    expect(() => canonicalResource('/mcp')).toThrow(TypeError);
  });
});

describe('protected resource metadata location (RFC 9728 §3.1)', () => {
  it('inserts the well-known prefix before the endpoint path, and names the root form too', () => {
    const resource = canonicalResource('https://mcp.example.com/public/mcp');
    expect(metadataPaths(resource)).toEqual({
      pathInserted: '/.well-known/oauth-protected-resource/public/mcp',
      root: '/.well-known/oauth-protected-resource',
    });
    expect(metadataUrl(resource)).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp',
    );
  });

  it('is the root document alone for a resource at the root', () => {
    const resource = canonicalResource('https://mcp.example.com/');
    expect(metadataPaths(resource)).toEqual({
      pathInserted: '/.well-known/oauth-protected-resource',
      root: '/.well-known/oauth-protected-resource',
    });
    expect(metadataUrl(resource)).toBe('https://mcp.example.com/.well-known/oauth-protected-resource');
  });

  it('keeps the port in the absolute URL', () => {
    expect(metadataUrl(canonicalResource('http://127.0.0.1:3000/mcp'))).toBe(
      'http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp',
    );
  });
});
