import type { ObserverSnapshot } from './observer-state.js';

type Target = ObserverSnapshot['targets'][number];

/**
 * One observer snapshot for a cluster from each worker's: counts, rates and series summed; the
 * worst p99 and a rate-weighted p50 (percentiles of the union are not recoverable from percentiles);
 * the newest errors, sessions and restarts of all workers.
 */
export function mergeSnapshots(
  parts: ObserverSnapshot[],
  /** Restarts seen outside the parts (a cluster's worker restarts happen in its primary). */
  moreRestarts: ObserverSnapshot['supervisor']['restarts'] = [],
): ObserverSnapshot {
  const [first] = parts;
  if (first === undefined) throw new Error('no snapshot to merge');
  const supervisors = parts.map((part) => part.supervisor);
  const restarts = new Map<string, ObserverSnapshot['supervisor']['restarts'][number]>();
  for (const restart of [...supervisors.flatMap((supervisor) => supervisor.restarts), ...moreRestarts])
    restarts.set(`${restart.kind} ${restart.id} ${restart.count}`, restart);
  return {
    now: Math.max(...parts.map((part) => part.now)),
    uptimeSeconds: Math.max(...parts.map((part) => part.uptimeSeconds)),
    totals: {
      requests: sum(parts.map((part) => part.totals.requests)),
      ...mergeStats(parts.map((part) => part.totals)),
    },
    eras: {
      legacy: sum(parts.map((part) => part.eras.legacy)),
      modern: sum(parts.map((part) => part.eras.modern)),
    },
    requestsByTransport: sumByKey(parts.map((part) => part.requestsByTransport)),
    sessionsByTransport: sumByKey(parts.map((part) => part.sessionsByTransport)),
    targets: mergeTargets(parts.flatMap((part) => part.targets)),
    errors: parts
      .flatMap((part) => part.errors)
      .sort((a, b) => b.at - a.at)
      .slice(0, 20),
    refused: sumByKey(parts.map((part) => part.refused)),
    supervisor: {
      inFlight: sum(supervisors.map((supervisor) => supervisor.inFlight)),
      sessions: sum(supervisors.map((supervisor) => supervisor.sessions)),
      draining: supervisors.some((supervisor) => supervisor.draining),
      overloaded: supervisors.some((supervisor) => supervisor.overloaded),
      eventLoopDelayMs: Math.max(...supervisors.map((supervisor) => supervisor.eventLoopDelayMs)),
      limits: first.supervisor.limits,
      restarts: [...restarts.values()].sort((a, b) => a.at - b.at).slice(-20),
      pid: supervisors.map((supervisor) => supervisor.pid).join(', '),
      heapUsedBytes: sum(supervisors.map((supervisor) => supervisor.heapUsedBytes)),
    },
    upstreams: mergeUpstreams(parts.flatMap((part) => part.upstreams)),
    sessions: parts
      .flatMap((part) => part.sessions)
      .sort((a, b) => b.openedAt - a.openedAt)
      .slice(0, 100),
  };
}

interface Stats {
  rate: number;
  errors: number;
  p50: number;
  p99: number;
  series: number[];
}

function mergeStats(stats: Stats[]): Stats {
  const rate = sum(stats.map((stat) => stat.rate));
  const weighted = sum(stats.map((stat) => stat.p50 * stat.rate));
  const length = Math.max(...stats.map((stat) => stat.series.length));
  return {
    rate,
    errors: sum(stats.map((stat) => stat.errors)),
    p50: rate > 0 ? weighted / rate : Math.max(...stats.map((stat) => stat.p50)),
    p99: Math.max(...stats.map((stat) => stat.p99)),
    // Series end at "now" on every worker: align them on their last element.
    series: Array.from({ length }, (_, i) =>
      sum(stats.map((stat) => stat.series[stat.series.length - length + i] ?? 0)),
    ),
  };
}

function mergeTargets(targets: Target[]): Target[] {
  const byName = new Map<string, Target[]>();
  for (const target of targets) byName.set(target.name, [...(byName.get(target.name) ?? []), target]);
  return [...byName.entries()]
    .map(([name, same]) => ({ name, ...mergeStats(same) }))
    .sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name));
}

/** Each worker runs its own pool to an upstream: counts summed, the worst state and circuit shown. */
function mergeUpstreams(rows: ObserverSnapshot['upstreams']): ObserverSnapshot['upstreams'] {
  const byName = new Map<string, ObserverSnapshot['upstreams'][number]>();
  for (const row of rows) {
    const seen = byName.get(row.name);
    if (!seen) {
      byName.set(row.name, { ...row });
      continue;
    }
    for (const key of ['connections', 'busy', 'waiting', 'calls', 'failures'] as const) seen[key] += row[key];
    if (row.state !== 'up') seen.state = row.state;
    if (row.circuit !== 'closed') seen.circuit = row.circuit;
    seen.lastError ??= row.lastError;
  }
  return [...byName.values()];
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function sumByKey(records: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records)
    for (const [key, value] of Object.entries(record)) out[key] = (out[key] ?? 0) + value;
  return out;
}
