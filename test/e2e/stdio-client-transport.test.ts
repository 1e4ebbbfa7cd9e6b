/** The stdio client transport against real child processes: shutdown escalation, crashes, stderr. */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { StdioClientTransport } from '../../src/transports/stdio/client-transport.js';

const node = process.execPath;

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('StdioClientTransport', () => {
  it('closes stdin first and the server exits on its own', async () => {
    const transport = new StdioClientTransport({
      command: node,
      args: ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.exit(0))'],
    });
    transport.start({ onMessage: () => {}, onFrameError: () => {}, onClose: () => {} });
    const started = Date.now();
    await transport.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(alive(transport.pid)).toBe(false);
  });

  it('escalates to SIGTERM and then SIGKILL for a server that ignores both', async () => {
    const stubborn =
      'process.on("SIGTERM", () => {}); process.stdin.on("end", () => {}); process.stdin.resume(); setInterval(() => {}, 1000);';
    const transport = new StdioClientTransport({
      command: node,
      args: ['-e', stubborn],
      shutdownGraceMs: 150,
    });
    transport.start({ onMessage: () => {}, onFrameError: () => {}, onClose: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await transport.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(alive(transport.pid)).toBe(false);
  });

  it('forwards stderr when asked, and reports a crash as a closed connection', async () => {
    const chunks: string[] = [];
    const crashing =
      'process.stderr.write("about to crash\\n"); process.stdin.once("data", () => process.exit(3));';
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'legacy' });
    const connecting = client.connect(
      new StdioClientTransport({
        command: node,
        args: ['-e', crashing],
        stderr: 'pipe',
        onStderr: (chunk) => chunks.push(chunk),
      }),
    );
    await expect(connecting).rejects.toMatchObject({
      code: 'ERR_CONNECTION_CLOSED',
      message: expect.stringContaining('code 3'),
    });
    expect(chunks.join('')).toContain('about to crash');
  });

  it('reports a command that cannot start', async () => {
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'legacy' });
    await expect(
      client.connect(new StdioClientTransport({ command: '/nonexistent/erlmcp-server' })),
    ).rejects.toMatchObject({
      code: 'ERR_CONNECTION_CLOSED',
      message: expect.stringContaining('Cannot start'),
    });
  });
});
