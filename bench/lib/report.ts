import { formatCpu } from './cpu.js';
import type { ScenarioResult } from './results.js';
import { formatFigure } from './stats.js';

/**
 * One Markdown section per scenario: a column per field any target has (p50/p99, generator and
 * server CPU, scenario-specific extras), then the ratio, the generator and the notes.
 */
export function markdownSection(scenario: ScenarioResult): string {
  const targets = scenario.targets;
  const columns: { title: string; right: boolean; cell: (t: (typeof targets)[number]) => string }[] = [
    { title: 'target', right: false, cell: (t) => t.name },
    { title: scenario.unit, right: true, cell: (t) => formatFigure(t.median) },
  ];
  if (targets.some((t) => t.p50Ms !== undefined))
    columns.push({
      title: 'p50',
      right: true,
      cell: (t) => (t.p50Ms === undefined ? '' : `${t.p50Ms.toFixed(2)} ms`),
    });
  // A scenario whose figure is the p99 already shows it in the unit column.
  if (!scenario.unit.startsWith('p99') && targets.some((t) => t.p99Ms !== undefined))
    columns.push({
      title: 'p99',
      right: true,
      cell: (t) => (t.p99Ms === undefined ? '' : `${t.p99Ms.toFixed(2)} ms`),
    });
  for (const key of [...new Set(targets.flatMap((t) => Object.keys(t.extra ?? {})))])
    columns.push({ title: key, right: true, cell: (t) => t.extra?.[key] ?? '' });
  if (targets.some((t) => t.generatorCpu))
    columns.push({
      title: 'generator CPU',
      right: true,
      cell: (t) => (t.generatorCpu ? formatCpu(t.generatorCpu) : ''),
    });
  if (targets.some((t) => t.serverCpu))
    columns.push({
      title: 'server CPU',
      right: true,
      cell: (t) => (t.serverCpu ? formatCpu(t.serverCpu) : ''),
    });
  const head = `| ${columns.map((c) => c.title).join(' | ')} |\n| ${columns.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`;
  const rows = targets.map((t) => `| ${columns.map((c) => c.cell(t)).join(' | ')} |`);
  const ratioRounds = scenario.ratio.rounds?.length
    ? ` (per round: ${scenario.ratio.rounds.map((r) => `${r.toFixed(2)}×`).join(', ')})`
    : '';
  const lines = [
    `### ${scenario.scenario}`,
    '',
    head,
    ...rows,
    '',
    `${scenario.ratio.label}: ${Number.isFinite(scenario.ratio.value) ? `${scenario.ratio.value.toFixed(2)}×` : 'n/a'}${ratioRounds}`,
    '',
    `Load generator: ${scenario.generator}.`,
    ...(scenario.notes ?? []).map((note) => `\n${note}`),
  ];
  return `${lines.join('\n')}\n`;
}
