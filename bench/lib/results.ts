import { writeFileSync } from 'node:fs';
import type { CpuShare } from './cpu.js';
import { median } from './stats.js';
import type { WrkResult } from './wrk.js';

/** One bar of a scenario: erlmcp or a peer. */
export interface TargetResult {
  name: string;
  /** The figure the chart draws, in the scenario's unit (median over rounds). */
  median: number;
  p50Ms?: number;
  p99Ms?: number;
  /** The figure of every round, in order. */
  rounds?: number[];
  /** CPU of the load generator and of the server over the measured window (median over rounds). */
  generatorCpu?: CpuShare;
  serverCpu?: CpuShare;
  /** Further columns for the Markdown table, already formatted. */
  extra?: Record<string, string>;
}

/** What every scenario script writes with `--json <file>` and run-all collects. */
export interface ScenarioResult {
  scenario: string;
  unit: string;
  /** Who generates the load: erlmcp's client code path or a lean purpose-built generator. */
  generator: string;
  targets: TargetResult[];
  ratio: { label: string; value: number; rounds?: number[] };
  notes?: string[];
}

export function writeResult(path: string | undefined, result: ScenarioResult): void {
  if (path) writeFileSync(path, JSON.stringify(result, null, 2));
}

/** The median of each field over rounds. */
export function medianCpu(shares: CpuShare[]): CpuShare {
  return { seconds: median(shares.map((s) => s.seconds)), percent: median(shares.map((s) => s.percent)) };
}

/** The bar of a wrk-driven target: medians over its rounds of rate, latency and both sides' CPU. */
export function wrkTargetResult(name: string, runs: readonly WrkResult[]): TargetResult {
  return {
    name,
    median: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    rounds: runs.map((r) => r.requestsPerSecond),
    generatorCpu: medianCpu(runs.map((r) => r.generatorCpu)),
    serverCpu: medianCpu(runs.map((r) => r.serverCpu)),
  };
}
