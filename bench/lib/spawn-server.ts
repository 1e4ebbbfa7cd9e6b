import { spawn } from 'node:child_process';
import { pinned } from './pin.js';

export interface ServerProcess {
  url: string;
  /** For reading its CPU from /proc. */
  pid: number;
  /** Kills it and waits for the exit, so its CPU is reaped before the next measured window. */
  stop(): Promise<void>;
}

/**
 * Starts a peer server script (bench/peers/*) that prints `URL <url>` once it listens; `cpu` pins it
 * to that CPU (see `pinned`).
 */
export async function startServer(
  script: string,
  args: string[] = [],
  options: { cpu?: number } = {},
): Promise<ServerProcess> {
  const [command, argv] =
    options.cpu === undefined
      ? [process.execPath, [script, ...args]]
      : pinned(options.cpu, process.execPath, [script, ...args]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const match = /URL (\S+)/.exec(chunk);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
