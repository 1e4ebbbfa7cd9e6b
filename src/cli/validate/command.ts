import { targetOf } from '../call-flags.js';
import { UsageError } from '../usage-error.js';
import { formatReport, reportJson } from './report.js';
import type { Era } from './rules.js';
import { runValidate } from './run.js';

interface ValidateFlags {
  json?: boolean | undefined;
  era?: string | undefined;
}

/** `--era`: one era, or both (default; each era the server speaks). */
export function erasOption(era: string | undefined): Era[] {
  if (era === undefined || era === 'both') return ['legacy', 'modern'];
  if (era === 'modern' || era === 'legacy') return [era];
  throw new UsageError(`--era must be modern (2026), legacy (2025) or both (got "${era}")`);
}

/** Runs `erlmcp validate`, prints the report; exit 1 on any failed MUST, else 0. */
export async function validateCommand(
  words: string[],
  command: string[] | undefined,
  flags: ValidateFlags,
): Promise<number> {
  const { target, rest } = targetOf(words, command);
  if (rest[0] !== undefined) throw new UsageError(`unexpected argument "${rest[0]}" (one target)`);
  const report = await runValidate(target, erasOption(flags.era));
  process.stdout.write(
    `${flags.json ? JSON.stringify(reportJson(report), null, 2) : formatReport(report)}\n`,
  );
  return report.failed ? 1 : 0;
}
