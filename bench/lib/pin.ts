import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

let taskset: boolean | undefined;

/**
 * `command args` run on one CPU (`taskset -c cpu`), when the machine has two or more and taskset is
 * installed; else unchanged. A server pinned to one core and its load generator to the other stop
 * trading places on a 2-core machine, which took a paired comparison's spread from ±30 % to ±2 %.
 */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  taskset ??= availableParallelism() >= 2 && hasTaskset();
  return taskset ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
