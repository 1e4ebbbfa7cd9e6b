import { type Era, REVISION, RULES, type Rule, type RuleId, specOf } from './rules.js';

export type Outcome = 'pass' | 'fail' | 'warn' | 'skip';

export interface Finding {
  rule: RuleId;
  era: Era;
  outcome: Outcome;
  /** What was seen (fail, warn), why not checked (skip), or what was checked (pass). */
  detail: string;
  /** Where the spec says it, e.g. `2025-11-25 basic/lifecycle#version-negotiation`. */
  spec: string;
}

/** The findings of one run, in the order checked. A failed SHOULD is a warning, not a failure. */
export class Report {
  readonly findings: Finding[] = [];

  constructor(readonly target: string) {}

  pass(rule: RuleId, era: Era, detail = ''): void {
    this.#add(rule, era, 'pass', detail);
  }

  fail(rule: RuleId, era: Era, detail: string): void {
    this.#add(rule, era, RULES[rule].level === 'MUST' ? 'fail' : 'warn', detail);
  }

  skip(rule: RuleId, era: Era, why: string): void {
    this.#add(rule, era, 'skip', why);
  }

  /** pass when `problem` is undefined, else fail with it. */
  check(rule: RuleId, era: Era, problem: string | undefined, passDetail = ''): void {
    if (problem === undefined) this.pass(rule, era, passDetail);
    else this.fail(rule, era, problem);
  }

  /** Over HTTP only: pass when the reply's status is `status`, else fail naming what was sent. */
  checkStatus(
    rule: RuleId,
    era: Era,
    reply: { http?: { status: number } },
    status: number,
    sent: string,
  ): void {
    if (reply.http === undefined) return;
    const got = reply.http.status;
    this.check(rule, era, got === status ? undefined : `${sent} was answered HTTP ${got}, not ${status}`);
  }

  /** Every rule of the era that nothing recorded yet, skipped for one reason. */
  skipRest(era: Era, why: string, only?: (rule: RuleId) => boolean): void {
    for (const rule of Object.keys(RULES) as RuleId[]) {
      if ((RULES[rule] as Rule).section[era] === undefined) continue;
      if (only && !only(rule)) continue;
      if (this.findings.some((finding) => finding.rule === rule && finding.era === era)) continue;
      this.skip(rule, era, why);
    }
  }

  get failed(): boolean {
    return this.findings.some((finding) => finding.outcome === 'fail');
  }

  count(outcome: Outcome): number {
    return this.findings.filter((finding) => finding.outcome === outcome).length;
  }

  #add(rule: RuleId, era: Era, outcome: Outcome, detail: string): void {
    this.findings.push({ rule, era, outcome, detail, spec: specOf(rule, era) });
  }
}

/**
 * One line per check: `FAIL lifecycle.server-info (2025-11-25 basic/lifecycle#initialization): …`.
 * Passes and skips name only the revision; failures and warnings the section too.
 */
export function formatReport(report: Report): string {
  const lines = [`erlmcp validate ${report.target}`];
  for (const era of ['legacy', 'modern'] as const) {
    const findings = report.findings.filter((finding) => finding.era === era);
    if (findings.length === 0) continue;
    lines.push('', `${REVISION[era]} (${era})`);
    for (const finding of findings) lines.push(`  ${line(finding)}`);
  }
  lines.push(
    '',
    `${report.count('pass')} passed, ${report.count('fail')} failed, ${report.count('warn')} warnings, ${report.count('skip')} skipped`,
  );
  return lines.join('\n');
}

function line(finding: Finding): string {
  const tag = finding.outcome.toUpperCase().padEnd(4);
  if (finding.outcome === 'pass' || finding.outcome === 'skip') {
    const detail = finding.detail ? `: ${finding.detail}` : '';
    return `${tag} ${finding.rule} (${REVISION[finding.era]})${detail}`;
  }
  return `${tag} ${finding.rule} (${finding.spec}): ${finding.detail}`;
}

export function reportJson(report: Report) {
  return {
    target: report.target,
    ok: !report.failed,
    counts: {
      pass: report.count('pass'),
      fail: report.count('fail'),
      warn: report.count('warn'),
      skip: report.count('skip'),
    },
    findings: report.findings,
  };
}
