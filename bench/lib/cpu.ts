import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU of one process over a measured window: user + system seconds and share of the wall time. */
export interface CpuShare {
  seconds: number;
  /** Percent of one core over the window (can exceed 100 for multi-threaded processes). */
  percent: number;
}

// /proc times are in clock ticks; ask once rather than assume 100.
let ticksPerSecond: number | undefined;
function ticks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

/** utime + stime of a live process, in seconds (NaN where /proc is unavailable). */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticks() : Number.NaN;
}

/**
 * cutime + cstime of this process: CPU of children that have exited and been reaped. A child
 * generator (wrk) is measured by the growth of this across its run.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return fields ? (Number(fields[13]) + Number(fields[14])) / ticks() : Number.NaN;
}

/** This process's own CPU (an in-process load generator). */
export function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * Snapshots the CPU of the server process, this process and reaped children; `stop()` gives the
 * shares over the window. The caller says which of self/children is its load generator.
 */
export function startCpuWindow(serverPid: number | undefined) {
  const wallStart = performance.now();
  const server = serverPid === undefined ? Number.NaN : processCpuSeconds(serverPid);
  const self = selfCpuSeconds();
  const children = reapedChildrenCpuSeconds();
  return {
    stop(): { wallSeconds: number; server: CpuShare; self: CpuShare; children: CpuShare } {
      const wallSeconds = (performance.now() - wallStart) / 1000;
      const share = (seconds: number): CpuShare => ({ seconds, percent: (seconds / wallSeconds) * 100 });
      return {
        wallSeconds,
        server: share(serverPid === undefined ? Number.NaN : processCpuSeconds(serverPid) - server),
        self: share(selfCpuSeconds() - self),
        children: share(reapedChildrenCpuSeconds() - children),
      };
    },
  };
}

export function formatCpu(cpu: CpuShare | undefined): string {
  if (!cpu || Number.isNaN(cpu.seconds)) return 'n/a';
  return `${cpu.seconds.toFixed(2)} s (${cpu.percent.toFixed(0)}%)`;
}
