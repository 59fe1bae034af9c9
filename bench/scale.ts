/**
 * Per-stack maxima: for each configuration of test/scale/scale-apps.ts, the largest number of
 * stores one stack holds within every limit the synth-time check measures (found by bisection,
 * each step a fresh App synthesized in this process), the limit that stops the next store, and the
 * template bytes per import (linear growth).
 *
 *   npx projen bench:scale          (rewrites the "Per-stack maxima" section of docs/BENCHMARKS.md)
 *   npx projen bench                (the whole report, this section included)
 *
 * Options: --print (print the section instead of writing it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtInt, REPO_ROOT, table } from './util';
import { measureTemplate, renderTemplate, STACK_LIMITS, TemplateMeasurements } from '../src/shared/stack-limits';
import { SCALE_CONFIGURATIONS, ScaleConfiguration, scaleApp } from '../test/scale/scale-apps';

/** The N the template sizes are shown at (the test's table, test/scale/stack-limits.test.ts). */
export const SCALE_COUNTS = [1, 50, 100, 150, 300];
const SEARCH_CEILING = 600;
const SECTION = '## Per-stack maxima';

const DESCRIPTIONS: Record<ScaleConfiguration, string> = {
  retain: '`EventDataStoreImport`, `RemovalPolicy.RETAIN` (the default)',
  destroy: '`EventDataStoreImport`, `RemovalPolicy.DESTROY`',
  key: '`EventDataStoreImport`, each store with its own customer managed key (`encryptionKey`)',
  migration: '`CloudTrailLakeMigration` of N stores, `stopLakeIngestion`, saved queries',
};

export interface ScaleOutcome {
  readonly n: number;
  /** The limits check's errors (empty: within every limit). */
  readonly errors: string[];
  readonly measured: TemplateMeasurements;
}

export interface ScaleResults {
  readonly byConfiguration: Array<{
    readonly configuration: ScaleConfiguration;
    readonly maximum: ScaleOutcome;
    /** The first N over a limit (maximum + 1), with the check's error. */
    readonly next: ScaleOutcome;
    readonly atCounts: ScaleOutcome[];
  }>;
}

/** One synthesis: the check's errors, and the template measured (rendered even when the check refuses it). */
export function synthScale(configuration: ScaleConfiguration, n: number): ScaleOutcome {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'edsi-scale-'));
  try {
    const { app, stack } = scaleApp(configuration, n, outdir);
    let errors: string[] = [];
    try {
      app.synth();
    } catch (error) {
      errors = (error as Error).message.split('\n').filter((l) => l.startsWith('  [')).map((l) => l.replace(/^\s*\[[^\]]*\]\s*/, ''));
      if (errors.length === 0) throw error;
    }
    // Synthesis that the check refused wrote no template: measure the one it renders for the check.
    return { n, errors, measured: measureTemplate(renderTemplate(stack)) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function runScaleBenchmarks(log: (line: string) => void): ScaleResults {
  return {
    byConfiguration: SCALE_CONFIGURATIONS.map((configuration) => {
      let low = 1;
      let high = SEARCH_CEILING;
      const outcomes = new Map<number, ScaleOutcome>();
      const at = (n: number) => {
        if (!outcomes.has(n)) {
          outcomes.set(n, synthScale(configuration, n));
          log(`scale ${configuration} N=${n}: ${outcomes.get(n)!.errors.length === 0 ? 'within every limit' : 'over a limit'}`);
        }
        return outcomes.get(n)!;
      };
      if (at(low).errors.length > 0) throw new Error(`${configuration}: one store is already over a limit: ${at(low).errors.join(' ')}`);
      if (at(high).errors.length === 0) throw new Error(`${configuration}: ${high} stores fit; raise SEARCH_CEILING`);
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (at(mid).errors.length === 0) low = mid; else high = mid;
      }
      return { configuration, maximum: at(low), next: at(high), atCounts: SCALE_COUNTS.map(at) };
    }),
  };
}

/** The section of docs/BENCHMARKS.md. */
export function scaleSection(results: ScaleResults): string {
  const rows = results.byConfiguration.map(({ configuration, maximum, next }) => {
    const m = maximum.measured;
    return [
      DESCRIPTIONS[configuration],
      `**${maximum.n}**`,
      `${fmtInt(m.resources)} / ${STACK_LIMITS.resources}`,
      `${fmtInt(m.bytes)} / ${fmtInt(STACK_LIMITS.templateBytes)}`,
      `${Math.max(...Object.values(m.managedPoliciesByRole))} / ${STACK_LIMITS.managedPoliciesPerRole}`,
      `${fmtInt(Math.max(...Object.values(m.managedPolicyCharacters)))} / ${fmtInt(STACK_LIMITS.managedPolicyCharacters)}`,
      `${Math.max(0, ...Object.values(m.logGroupsByQueryDefinition))} / ${STACK_LIMITS.logGroupsPerQueryDefinition}`,
      next.errors.map(limitName).join('; '),
    ];
  });
  const perImport = results.byConfiguration.map(({ configuration, atCounts }) => [
    DESCRIPTIONS[configuration],
    ...atCounts.map((o) => `${fmtInt(o.measured.bytes)}${o.errors.length > 0 ? ' ❌' : ''}`),
    ...slopes(atCounts),
  ]);
  const countsHeader = SCALE_COUNTS.map((n) => `N = ${n}`);
  const slopeHeader = SCALE_COUNTS.slice(1).map((n, i) => `${SCALE_COUNTS[i]}→${n}`);
  return [
    SECTION,
    '',
    '<!-- Generated by bench/scale.ts (`npx projen bench:scale`, or the whole report with `npx projen bench`). -->',
    '',
    'The largest number of event data stores one stack holds within every limit that the construct checks at synth time (bisection, one synthesis '
      + 'per step; stores by ARN in the stack\'s account and region, the context the CDK CLI passes). One more store is a synth error that names the '
      + 'limit, the number and what to do; the last column is that limit. Past the maximum, split the stores over several stacks: each stack gets '
      + 'its own orchestrator (the 3 active imports per account and region are then shared by the stacks\' queues, which each respect them).',
    '',
    table(['Configuration', 'Max stores per stack', 'Resources', 'Template bytes', 'Managed policies (role with most)', 'Largest managed policy, chars',
      'Log groups per saved query', 'The limit one more store breaks'], rows),
    '',
    'Template bytes by N (❌: over a limit, the named synth error), and per additional import between them: constant, so the template grows linearly '
      + '(each import depends on the orchestrator function, which depends on each of its policy chunks, not on every chunk).',
    '',
    table(['Configuration', ...countsHeader, ...slopeHeader.map((s) => `Bytes per import, ${s}`)], perImport),
    '',
  ].join('\n');
}

function slopes(outcomes: ScaleOutcome[]): string[] {
  return outcomes.slice(1).map((o, i) => fmtInt(Math.round((o.measured.bytes - outcomes[i].measured.bytes) / (o.n - outcomes[i].n))));
}

function limitName(error: string): string {
  if (/resources/.test(error) && /per stack/.test(error)) return `resources (${STACK_LIMITS.resources})`;
  if (/bytes/.test(error)) return `template bytes (${fmtInt(STACK_LIMITS.templateBytes)})`;
  if (/managed policies attached/.test(error)) return `managed policies per role (${STACK_LIMITS.managedPoliciesPerRole})`;
  if (/per managed policy/.test(error)) return `characters per managed policy (${fmtInt(STACK_LIMITS.managedPolicyCharacters)})`;
  if (/inline policies/.test(error)) return `inline characters per role (${fmtInt(STACK_LIMITS.inlinePolicyCharactersPerRole)})`;
  if (/log groups/.test(error)) return `log groups per query (${STACK_LIMITS.logGroupsPerQueryDefinition})`;
  if (/outputs/.test(error)) return `outputs (${STACK_LIMITS.outputs})`;
  return error;
}

/** Replaces the section in the report (or appends it before "## Method"). */
export function withScaleSection(report: string, section: string): string {
  const start = report.indexOf(`${SECTION}\n`);
  if (start >= 0) {
    const end = report.indexOf('\n## ', start + SECTION.length);
    return report.slice(0, start) + section + (end >= 0 ? report.slice(end + 1) : '');
  }
  const method = report.indexOf('\n## Method');
  return method >= 0 ? `${report.slice(0, method + 1)}${section}\n${report.slice(method + 1)}` : `${report}\n${section}`;
}

if (require.main === module) {
  const log = (line: string) => process.stderr.write(`[bench:scale] ${line}\n`);
  const section = scaleSection(runScaleBenchmarks(log));
  if (process.argv.includes('--print')) {
    process.stdout.write(section);
  } else {
    const file = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
    fs.writeFileSync(file, withScaleSection(fs.readFileSync(file, 'utf8'), section));
    log(`wrote the "${SECTION.slice(3)}" section of ${path.relative(process.cwd(), file)}`);
  }
}
