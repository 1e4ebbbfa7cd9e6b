import type { BenchOptions } from './bench.js';
import { suggestion } from './did-you-mean.js';
import { UsageError } from './usage-error.js';

const SCHEMES = ['http', 'https', 'ws', 'wss', 'tcp', 'tls'];

interface BenchFlags {
  tool?: string | undefined;
  args?: string | undefined;
  rate?: string | undefined;
  connections?: string | undefined;
  duration?: string | undefined;
}

/** `erlmcp bench` flags checked before anything connects: each mistake names its flag and what it takes. */
export function benchOptions(target: string, flags: BenchFlags): Omit<BenchOptions, 'write'> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1];
  if (scheme !== undefined && !SCHEMES.includes(scheme.toLowerCase())) {
    throw new UsageError(
      `cannot reach ${target}: the URL scheme "${scheme}" is not one of ${SCHEMES.join(', ')}${suggestion(scheme, SCHEMES)}`,
    );
  }
  if (flags.rate !== undefined && flags.connections !== undefined) {
    throw new UsageError('--rate (open loop) and --connections (closed loop) exclude each other: give one');
  }
  const args = flags.args === undefined ? undefined : jsonObject(flags.args);
  const rate = positive('--rate', flags.rate, 'requests a second');
  const connections = positive('--connections', flags.connections, 'requests in flight', true);
  const duration = positive('--duration', flags.duration, 'seconds');
  return {
    target,
    ...(flags.tool === undefined ? {} : { tool: flags.tool }),
    ...(args ? { args } : {}),
    ...(rate === undefined ? {} : { rate }),
    ...(connections === undefined ? {} : { connections }),
    durationSeconds: duration ?? 10,
  };
}

export function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--args must be a JSON object of the tool's arguments, e.g. '{"message":"hi"}'`);
  }
  return value as Record<string, unknown>;
}

function positive(flag: string, text: string | undefined, unit: string, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `${flag} must be a positive ${integer ? 'whole ' : ''}number of ${unit} (got "${text}")`,
    );
  }
  return value;
}
