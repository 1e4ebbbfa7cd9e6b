import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * Drives an HTTP endpoint with wrk (C, one thread): the load generator must not be the bottleneck
 * on a 2-core machine. Each request gets a fresh JSON-RPC id (sessions refuse duplicate ids).
 */
export function runWrk(
  url: string,
  headers: Record<string, string>,
  bodyBeforeId: string,
  bodyAfterId: string,
  options: { connections: number; seconds: number },
): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'erlmcp-wrk-'));
  const script = join(dir, 'post.lua');
  const headerLines = Object.entries(headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  writeFileSync(
    script,
    `wrk.method = "POST"
${headerLines}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, ${JSON.stringify(bodyBeforeId)} .. counter .. ${JSON.stringify(bodyAfterId)})
end
`,
  );
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', script, url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, (error, stdout) => {
      if (error) {
        reject(new Error(`wrk failed (install it: apt-get install wrk): ${error.message}`));
        return;
      }
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
      resolve({
        requestsPerSecond: rate ? Number(rate[1]) : 0,
        p50Ms: toMs(/50%\s+([\d.]+)(us|ms|s)/.exec(stdout)),
        p99Ms: toMs(/99%\s+([\d.]+)(us|ms|s)/.exec(stdout)),
        errors: errors ? Number(errors[1]) : 0,
      });
    });
  });
}

function toMs(match: RegExpExecArray | null): number {
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}
