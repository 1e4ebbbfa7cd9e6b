import { type ChildProcess, spawn } from 'node:child_process';
import { pinned } from './pin.js';

export interface ServerProcess {
  url: string;
  /** For reading its CPU from /proc. */
  pid: number;
  /** Its stdout is utf8 and stays readable (a peer may print more than its URL). */
  child: ChildProcess;
  /** Kills it and waits for the exit, so its CPU is reaped before the next measured window. */
  stop(): Promise<void>;
}

/**
 * Starts a peer server script (bench/peers/*) that prints `URL <url>` once it listens; `cpu` pins it
 * to that CPU (see `pinned`); `nodeArgs` go to node before the script (`--expose-gc`); `stderr:
 * 'ignore'` sends its stderr to /dev/null (a peer that logs a line per request).
 */
export async function startServer(
  script: string,
  args: string[] = [],
  options: { cpu?: number; nodeArgs?: string[]; stderr?: 'inherit' | 'ignore' } = {},
): Promise<ServerProcess> {
  const nodeArgv = [...(options.nodeArgs ?? []), script, ...args];
  const [command, argv] =
    options.cpu === undefined
      ? [process.execPath, nodeArgv]
      : pinned(options.cpu, process.execPath, nodeArgv);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'] });
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
    child,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
