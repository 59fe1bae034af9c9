/**
 * The preflight's findings, how they add up to an exit code, and how they are shown: a checklist
 * for people, JSON for machines (`PreflightJson`). Pure functions: no I/O.
 */
import { UNRESOLVED_MARKER } from './intrinsics';

/**
 * `info`: something preflight cannot judge, only tell (which account an organisation rule is created from).
 * `warn`: allowed, but AWS leaves it open whether it works (e.g. a store status AWS does not say
 * counts as ACTIVE), or it works with a delay (imports that will queue). It does not change the exit code.
 */
export type Outcome = 'pass' | 'warn' | 'fail' | 'could-not-check' | 'info';

/** The outcomes every summary counts; `info` (what preflight cannot judge, only tell) is counted only when there is one. */
export type Summary = Record<Exclude<Outcome, 'info'>, number> & { info?: number };

export interface CheckResult {
  /** Stable identifier, e.g. `store-status` or `pass-role:logs.amazonaws.com`. */
  readonly id: string;
  /** What was checked, e.g. "the event data store exists". */
  readonly title: string;
  readonly outcome: Outcome;
  /** What preflight found. */
  readonly detail: string;
  /** For `fail`, `warn` and `could-not-check`: what to do about it. */
  readonly fix?: string;
}

export interface ImportReport {
  readonly logicalId: string;
  readonly sourceArn: string;
  readonly checks: CheckResult[];
}

export interface StackReport {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Checks that concern the account (credentials, active imports), not one import. */
  readonly checks: CheckResult[];
  readonly imports: ImportReport[];
}

/** What `cdk-eventdatastore-import preflight --json` prints. */
export interface PreflightJson {
  /** `assembly` (a `cdk.out` directory) or `stack` (a deployed stack). */
  readonly input: { readonly kind: 'assembly' | 'stack'; readonly name: string };
  readonly stacks: StackReport[];
  readonly summary: Summary;
  readonly exitCode: number;
}

export const EXIT_ALL_PASS = 0;
export const EXIT_SOMETHING_FAILS = 1;
export const EXIT_COULD_NOT_CHECK = 2;

export function pass(id: string, title: string, detail: string): CheckResult {
  return { id, title, outcome: 'pass', detail };
}

export function fail(id: string, title: string, detail: string, fix: string): CheckResult {
  return { id, title, outcome: 'fail', detail, fix };
}

export function warn(id: string, title: string, detail: string, fix: string): CheckResult {
  return { id, title, outcome: 'warn', detail, fix };
}

export function info(id: string, title: string, detail: string): CheckResult {
  return { id, title, outcome: 'info', detail };
}

export function couldNotCheck(id: string, title: string, detail: string, fix: string): CheckResult {
  return { id, title, outcome: 'could-not-check', detail, fix };
}

function allChecks(stacks: readonly StackReport[]): CheckResult[] {
  return stacks.flatMap((s) => [...s.checks, ...s.imports.flatMap((i) => i.checks)]);
}

export function summaryOf(stacks: readonly StackReport[]): Summary {
  const summary: Record<Outcome, number> = { 'pass': 0, 'warn': 0, 'fail': 0, 'could-not-check': 0, 'info': 0 };
  allChecks(stacks).forEach((c) => summary[c.outcome]++);
  const { info: infos, ...counted } = summary;
  return infos > 0 ? { ...counted, info: infos } : counted;
}

/** 1 when a check fails (what is known to be wrong comes first); else 2 when one could not be made; else 0. */
export function exitCodeOf(stacks: readonly StackReport[]): number {
  const summary = summaryOf(stacks);
  if (summary.fail > 0) return EXIT_SOMETHING_FAILS;
  return summary['could-not-check'] > 0 ? EXIT_COULD_NOT_CHECK : EXIT_ALL_PASS;
}

export function toJson(input: PreflightJson['input'], stacks: StackReport[]): PreflightJson {
  return { input, stacks, summary: summaryOf(stacks), exitCode: exitCodeOf(stacks) };
}

const MARK: Record<Outcome, string> = {
  'pass': '[pass]',
  'warn': '[warn]',
  'fail': '[FAIL]',
  'could-not-check': '[????]',
  'info': '[info]',
};

/** Unresolved values read `<AWS::AccountId>` for people (JSON keeps the marker). */
function readable(text: string): string {
  return text.replace(new RegExp(`${UNRESOLVED_MARKER}(.*?)#`, 'g'), '<$1>');
}

function renderCheck(check: CheckResult, indent: string): string[] {
  const lines = [`${indent}${MARK[check.outcome]} ${check.title}: ${readable(check.detail)}`];
  if (check.fix && check.outcome !== 'pass') lines.push(`${indent}       fix: ${check.fix}`);
  return lines;
}

/** The checklist: per stack, its account checks, then each import's checks; a summary line last. */
export function renderChecklist(stacks: readonly StackReport[]): string {
  const lines: string[] = [];
  for (const stack of stacks) {
    lines.push(`Stack ${stack.stackName} (account ${stack.account}, ${stack.region}): ${stack.imports.length} ${stack.imports.length === 1 ? 'import' : 'imports'}`);
    stack.checks.forEach((c) => lines.push(...renderCheck(c, '  ')));
    for (const imp of stack.imports) {
      lines.push(`  Import ${imp.logicalId} from ${readable(imp.sourceArn)}`);
      imp.checks.forEach((c) => lines.push(...renderCheck(c, '    ')));
    }
  }
  const s = summaryOf(stacks);
  const infos = s.info ? `, ${s.info} for information` : '';
  lines.push(`${s.pass} passed, ${s.warn} ${s.warn === 1 ? 'warning' : 'warnings'}, ${s.fail} failed, ${s['could-not-check']} could not be checked${infos}.`);
  return `${lines.join('\n')}\n`;
}
