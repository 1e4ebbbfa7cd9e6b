import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuShare, startCpuWindow } from './cpu.js';
import { pinned } from './pin.js';

export interface WrkResult {
  /** Every answered request, whatever its status. */
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** wrk's own CPU (the load generator), so a saturated generator shows. */
  generatorCpu: CpuShare;
  /** The server process's CPU over the same window. */
  serverCpu: CpuShare;
  /** wrk's full output, for scripts that print their own counters from `done`. */
  stdout: string;
}

export interface WrkOptions {
  connections: number;
  seconds: number;
  /** The server's pid, to read its CPU from /proc. */
  serverPid?: number;
  /** Pins wrk to this CPU (see `pinned`). */
  cpu?: number;
  /**
   * A line the script prints (and flushes) once its work is done: wrk is then interrupted (SIGINT),
   * so it reports at once instead of sleeping out its `-d` duration (a stopped thread does not end wrk).
   */
  stopOn?: string;
}

/**
 * Runs wrk (C, one thread) with a Lua script: the load generator must not be the bottleneck on a
 * 2-core machine. wrk's CPU is read as this process's reaped-children time, so nothing else may
 * exit during the run (servers are stopped and awaited between runs).
 */
export function runWrkScript(url: string, lua: string, options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'erlmcp-wrk-'));
  const script = join(dir, 'script.lua');
  writeFileSync(script, lua);
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', script, url];
  const cpu = startCpuWindow(options.serverPid);
  return new Promise((resolve, reject) => {
    const [command, argv] = options.cpu === undefined ? ['wrk', args] : pinned(options.cpu, 'wrk', args);
    const child = execFile(command, argv, (error, stdout) => {
      const window = cpu.stop();
      rmSync(dir, { recursive: true, force: true });
      if (error) {
        reject(new Error(`wrk failed (install it: apt-get install wrk): ${error.message}`));
        return;
      }
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
      const total = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(stdout);
      resolve({
        requestsPerSecond: rate ? Number(rate[1]) : 0,
        p50Ms: toMs(/50%\s+([\d.]+)(us|ms|s)/.exec(stdout)),
        p99Ms: toMs(/99%\s+([\d.]+)(us|ms|s)/.exec(stdout)),
        errors: errors ? Number(errors[1]) : 0,
        requests: total ? Number(total[1]) : 0,
        generatorCpu: window.children,
        serverCpu: window.server,
        stdout,
      });
    });
    const stopOn = options.stopOn;
    if (stopOn) {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer | string) => {
        seen = (seen + String(chunk)).slice(-stopOn.length - 4096);
        if (seen.includes(stopOn)) child.kill('SIGINT');
      });
    }
  });
}

/** Lua lines that set the method and headers of every request. */
export function wrkHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
}

/** POSTs one body per request with a fresh JSON-RPC id (sessions refuse duplicate in-flight ids). */
export function runWrk(
  url: string,
  headers: Record<string, string>,
  bodyBeforeId: string,
  bodyAfterId: string,
  options: WrkOptions,
): Promise<WrkResult> {
  return runWrkScript(
    url,
    `wrk.method = "POST"
${wrkHeaders(headers)}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, ${JSON.stringify(bodyBeforeId)} .. counter .. ${JSON.stringify(bodyAfterId)})
end
`,
    options,
  );
}

function toMs(match: RegExpExecArray | null): number {
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}
