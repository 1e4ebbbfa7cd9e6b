import { formatFigure } from './stats.js';

/** One scenario of a results file, as the chart needs it. */
export interface ChartScenario {
  scenario: string;
  unit: string;
  targets: { name: string; median: number; p99Ms?: number }[];
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A plain SVG bar chart: one panel per scenario, one bar per target (erlmcp in blue, peers in grey,
 * the raw ceiling outlined), the median on each bar and the p99 where the scenario has one. Each
 * panel is scaled to its own largest bar, so scenarios with different units share one image.
 */
export function renderChart(scenarios: ChartScenario[]): string {
  const barHeight = 22;
  const gap = 6;
  // Wide enough for the longest target name (about 6.6 px per character at 12 px sans-serif).
  const longest = Math.max(...scenarios.flatMap((s) => s.targets.map((t) => t.name.length)), 20);
  const labelWidth = Math.ceil(longest * 6.6) + 20;
  const barWidth = 420;
  let y = 10;
  const parts: string[] = [];
  for (const scenario of scenarios) {
    parts.push(
      `<text x="10" y="${y + 14}" font-weight="bold">${escapeXml(scenario.scenario)} (${escapeXml(scenario.unit)})</text>`,
    );
    y += 24;
    const max = Math.max(...scenario.targets.map((target) => target.median).filter(Number.isFinite), 1e-9);
    for (const target of scenario.targets) {
      const width = Math.max(1, (target.median / max) * barWidth);
      const erlmcp = target.name.startsWith('erlmcp');
      if (!Number.isFinite(target.median)) continue;
      const ceiling = target.name.includes('ceiling');
      const fill = erlmcp ? '#2b6cb0' : ceiling ? 'none' : '#a0aec0';
      const stroke = ceiling ? ' stroke="#2d3748" stroke-dasharray="4 2"' : '';
      const label = `${formatFigure(target.median)}${target.p99Ms === undefined ? '' : `  p99 ${target.p99Ms.toFixed(2)} ms`}`;
      parts.push(`<text x="10" y="${y + 15}">${escapeXml(target.name)}</text>`);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${fill}"${stroke}/>`,
      );
      parts.push(`<text x="${(labelWidth + width + 6).toFixed(1)}" y="${y + 15}">${escapeXml(label)}</text>`);
      y += barHeight + gap;
    }
    y += 14;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 220}" height="${height}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
