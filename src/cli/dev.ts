import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { HTTP_OPTIONS } from './options.js';
import { serveConfig } from './serve-flags.js';
import { watchTree } from './watch-tree.js';

type DevFlags = { [K in keyof typeof HTTP_OPTIONS]?: string | undefined };

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));
/** Editors save in bursts (write, rename, chmod): one restart per burst. */
const DEBOUNCE_MS = 100;
/** A restart waits this long for the old server to drain before killing it. */
const STOP_GRACE_MS = 1000;

/**
 * `erlmcp dev`: a supervisor that runs `erlmcp serve --transport http --observer` as a child process
 * and replaces it when a source file under the module's directory changes. A child process, because
 * an ES module once imported cannot be unloaded or imported afresh; the port is chosen once, so the
 * URL stays the same across restarts. A module that fails to load leaves dev waiting for the next change.
 */
export async function dev(module: string, flags: DevFlags): Promise<void> {
  // Checked here, before anything starts: a bad flag or config file is not a reason to wait for a save.
  const config = serveConfig(module, { ...flags, transport: 'http' });
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const args = [
    ...process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
    CLI,
    'serve',
    module,
    ...['--transport', 'http', '--workers', '1', '--host', config.host, '--port', String(port)],
    ...['--path', config.path, ...(config.observer ? [] : ['--observer'])],
    ...(flags.config === undefined ? [] : ['--config', flags.config]),
    ...(flags['metrics-path'] === undefined ? [] : ['--metrics-path', flags['metrics-path']]),
  ];
  const root = dirname(resolve(module));
  const say = (line: string) => process.stdout.write(`erlmcp dev: ${line}\n`);
  say(`serving ${module}; restarting when a file under ${shown(root)} changes`);

  let child: ChildProcess | undefined;
  let announced = false;
  let endpoint: string | undefined;
  let closing = false;
  const start = () => {
    if (closing) return;
    const run = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child = run;
    createInterface({ input: run.stdout! }).on('line', (line) => {
      const url = /MCP endpoint (\S+)/.exec(line)?.[1];
      const observer = line.startsWith('erlmcp: observer ');
      if (announced) {
        // A restart serves the same endpoint and observer page: say so in one line.
        if (url) say(`restarted, serving ${url}`);
        else if (!observer) process.stdout.write(`${line}\n`);
        return;
      }
      process.stdout.write(`${line}\n`);
      endpoint = url ?? endpoint;
      if (observer && endpoint) {
        announced = true;
        say(
          `attach the MCP Inspector: npx @modelcontextprotocol/inspector, Transport Type "Streamable HTTP", URL ${endpoint}`,
        );
      }
    });
    run.once('exit', (code, signal) => {
      if (child !== run) return; // replaced on purpose
      child = undefined;
      process.stderr.write(
        `erlmcp dev: the server exited (${signal ?? `code ${code}`}); waiting for a change to restart it\n`,
      );
    });
  };
  const stop = async (): Promise<void> => {
    const run = child;
    child = undefined;
    if (!run || run.exitCode !== null || run.signalCode !== null) return;
    const exited = once(run, 'exit');
    run.kill('SIGTERM');
    const kill = setTimeout(() => run.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  };

  // One restart at a time; changes during a restart are folded into one more.
  let timer: NodeJS.Timeout | undefined;
  let changed: string | undefined;
  let restarting = false;
  const restart = async () => {
    if (restarting) return;
    restarting = true;
    while (changed !== undefined) {
      say(`${shown(changed)} changed, restarting`);
      changed = undefined;
      await stop();
      start();
    }
    restarting = false;
  };
  const watcher = watchTree(root, (file) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      changed = file;
      void restart();
    }, DEBOUNCE_MS);
  });
  start();

  const shutdown = async () => {
    closing = true;
    watcher.close();
    clearTimeout(timer);
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/** Relative to the working directory when below it, else absolute. */
function shown(path: string): string {
  const below = relative('.', path);
  return below === '' ? '.' : below.startsWith('..') ? path : below;
}

/** A port free now, on the host dev serves on; kept for every restart. */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  probe.listen(0, host);
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}
