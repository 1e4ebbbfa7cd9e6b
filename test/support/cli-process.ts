import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CLI } from './everything-command.js';
import { waitUntil } from './wait.js';

/** `erlmcp serve` as a child process, with its output collected; `stop()` never leaves it running. */
export interface CliServer {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** `erlmcp <command> …args` (`serve` by default, or `gateway`) until it prints its MCP endpoint. */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  command: 'serve' | 'gateway' = 'serve',
): Promise<CliServer> {
  return startUrlServer([CLI, command, ...args], env);
}

/**
 * Any server process (`node <argv>`) that prints `MCP endpoint <url>` once it listens, as
 * `erlmcp serve` does; `stop()` never leaves it running.
 */
export async function startUrlServer(argv: string[], env: Record<string, string> = {}): Promise<CliServer> {
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitUntil(() => /MCP endpoint (\S+)/.test(out) || child.exitCode !== null, 15_000);
  } catch (error) {
    await stop();
    throw new Error(`${argv.join(' ')} did not start: ${err}`, { cause: error });
  }
  const url = /MCP endpoint (\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`${argv.join(' ')} exited: ${err}`);
  return { child, url, stdout: () => out, stderr: () => err, exited, stop };
}

/** How a CLI run ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end; killed after `timeoutMs` so a hang fails the test instead of stalling it. */
export function runCli(args: string[], timeoutMs = 15_000): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

export const MODERN_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
};

/** A 2026 stateless tools/call body. */
export function modernToolCall(id: number, name: string, args: Record<string, unknown> = {}): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      name,
      arguments: args,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1' },
      },
    },
  });
}

/** The parts of a JSON-RPC reply these tests read. */
export interface Reply {
  result?: { content: { text: string }[] };
  error?: { code: number; message: string; data?: { reason?: string } };
}

/**
 * One POST on a fresh connection (`agent: false`), so a cluster may hand it to any worker; `tls`
 * adds the CA and client certificate for https. Rejects with the socket or TLS error.
 */
export function postOnFreshConnection(
  url: string,
  headers: Record<string, string>,
  body: string,
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Reply }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, agent: false, ...tls });
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: (text ? JSON.parse(text) : {}) as Reply,
        }),
      );
    });
    req.once('error', reject);
    req.end(body);
  });
}
