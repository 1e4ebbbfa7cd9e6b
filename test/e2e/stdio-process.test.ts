/**
 * `erlmcp serve` as a real child process: bad bytes on stdin get JSON-RPC errors and the stream goes
 * on, stdout carries only MCP, and the process exits cleanly on stdin close and on SIGTERM.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { everythingCommand } from '../support/everything-command.js';

const children: ChildProcessWithoutNullStreams[] = [];

function start() {
  const { command, args } = everythingCommand();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLines = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (lines.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} lines, got ${JSON.stringify(lines)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { child, lines, exited, waitForLines };
}

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${ms} ms`)), ms)),
  ]);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('erlmcp serve over stdio (child process)', () => {
  it('answers garbage, invalid UTF-8 and an oversize line with errors, then serves normally', async () => {
    const { child, waitForLines } = start();
    child.stdin.write('this is not json\n');
    child.stdin.write(
      Buffer.concat([
        Buffer.from('{"jsonrpc":"2.0","id":9,"method":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}\n'),
      ]),
    );
    child.stdin.write(
      `{"jsonrpc":"2.0","id":10,"method":"ping","params":{"pad":"${'x'.repeat(4 * 1024 * 1024 + 10)}"}}\n`,
    );
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    const messages = await waitForLines(4);
    expect(messages.slice(0, 3).map((m) => (m.error as { code: number }).code)).toEqual([
      -32700, -32700, -32600,
    ]);
    expect(messages.slice(0, 3).every((m) => m.id === null)).toBe(true);
    expect(messages[3]).toMatchObject({ id: 1, result: { protocolVersion: '2025-11-25' } });
  });

  it('exits with code 0 when stdin closes', async () => {
    const { child, exited } = start();
    child.stdin.end();
    expect(await withTimeout(exited, 5000)).toBe(0);
  });

  it('exits with code 0 on SIGTERM, writing nothing but MCP to stdout', async () => {
    const { child, exited, lines, waitForLines } = start();
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 'd', method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } })}\n`,
    );
    await waitForLines(1);
    child.kill('SIGTERM');
    expect(await withTimeout(exited, 5000)).toBe(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('jsonrpc', '2.0');
  });
});
