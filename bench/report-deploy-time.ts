/**
 * The deploy-time parts of docs/BENCHMARKS.md: the orchestrator function's bundle, and the
 * simulated migration and deploy times (bench/deploy-time.ts).
 */
import { BundleResults, OLD_BUNDLE } from './bundle';
import type { DeployTimeResults } from './deploy-time';
import { fmtInt, fmtMs, fmtSummaryMs, percentile, summarize, table } from './util';

/** A row of the goals table. */
export interface Goal {
  readonly goal: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  /** Why it is missed and what would fix it (only when missed). */
  readonly missed?: string;
  /** The same in a few words, for the table. */
  readonly short?: string;
}

/** Deploy time at the largest N over the smallest, at most this, is "flat". */
const FLAT_RATIO = 2;

const hours = (s: number) => `${(s / 3600).toFixed(2)} h`;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function deployTimeGoals(d: DeployTimeResults): Goal[] {
  const poll = d.pollIntervalSeconds;
  const gaps = d.gaps.map((g) => g.seconds);
  const worst = Math.max(...gaps);
  const first = d.deploys[0];
  const last = d.deploys[d.deploys.length - 1];
  const flat = last.totalMs.median / first.totalMs.median;
  return [
    {
      goal: 'Slots used while imports are queued',
      target: '≥ 95 %',
      measured: `${pct(d.utilisationQueued)} (first to last start); ${pct(d.utilisationOverall)} over the whole makespan`,
      met: d.utilisationQueued >= 0.95,
      short: 'a freed slot stays empty until the watcher and a waiter poll',
      missed: `Each freed slot stays empty for the time below (mean ${summarize(gaps).mean.toFixed(0)} s of simulated time, with a `
        + `${poll} s poll interval): the end of an import is seen by its execution's next Watch, and the freed slot by a waiting `
        + 'execution\'s next AcquireSlot. Starting the next queued execution from the Finish step (or polling the slot more often '
        + 'than the running import) would take the second wait out.',
    },
    {
      goal: 'CreateImportTask calls in the migration',
      target: `exactly ${d.settings.stores}`,
      measured: `${d.createImportTaskCalls} (${d.createImportTaskErrors.length} refused)`,
      met: d.createImportTaskCalls === d.settings.stores && d.createImportTaskErrors.length === 0,
      short: 'a second CreateImportTask for some record',
      missed: 'Some record sent CreateImportTask more than once, or one was refused (the limit of 3): see the calls below.',
    },
    {
      goal: 'From a slot freeing to the next start',
      target: `≤ one poll interval (${poll} s)`,
      measured: `mean ${summarize(gaps).mean.toFixed(0)} s, p90 ${percentile(gaps, 90).toFixed(0)} s, max ${worst.toFixed(0)} s (simulated)`,
      met: worst <= poll,
      short: 'two polls in a row: the ended import\'s Watch, then a waiter\'s AcquireSlot',
      missed: 'The gap is two waits in a row: up to one poll interval until the ended import\'s Watch sees the end and Finish releases the '
        + 'slot, then up to one more until a waiting execution\'s AcquireSlot takes it (the waiters poll with about the same phase, as '
        + 'they were started together). The fix is the one above: let Finish start the next queued execution\'s attempt at once (e.g. '
        + 'SendTaskSuccess to a waiter parked on a task token, or StartExecution of the next record), so that only the first wait '
        + 'remains; or look at running imports more often than at the slots.',
    },
    {
      goal: 'CloudFormation deploy time does not grow with N',
      target: `flat: at N = ${last.n} at most ${FLAT_RATIO}× N = ${first.n}`,
      measured: d.deploys.map((x) => `N=${x.n}: ${fmtMs(x.totalMs.median)} ms`).join(', ') + ` (${flat.toFixed(1)}×)`,
      met: flat <= FLAT_RATIO,
      short: 'the in-process engines share one thread; no Create waits for a slot',
      missed: 'The time grows with N here because every Create runs in one Node.js process on one thread (the bundle, dynalite '
        + 'and the stand-ins): the function time per Create stays what it is (below), and no Create waits for a slot or an import. In '
        + 'AWS each Create is its own Lambda invocation, so the deploy time is one Create\'s, whatever N. Measured in simulated time the '
        + `deploy of ${d.settings.stores} imports took ${d.deployAtMigrationSeconds.toFixed(0)} s against a migration of ${hours(d.makespanSeconds)}.`,
    },
  ];
}

export function bundleSection(b: BundleResults): string {
  const load = b.loadMs.median - b.emptyMs.median;
  return [
    '## The orchestrator function',
    '',
    'One function per stack: the custom resources\' ServiceToken and every step of the state machine. It bundles the SDK clients '
      + 'of CloudWatch Logs, DynamoDB, Step Functions, CloudFormation, CloudTrail and SNS. The old design\'s numbers are those of its '
      + 'last report (commit c8ef5f3, the handler behind the provider framework, which bundled CloudWatch Logs only).',
    '',
    table(['Measure', 'Orchestrator function', 'Old design\'s handler'], [
      ['Bundle', `\`${b.bundlePath}\`: ${fmtInt(b.bundleBytes)} bytes (${fmtInt(b.bundleGzipBytes)} gzipped)`,
        `${fmtInt(OLD_BUNDLE.bytes)} bytes (${fmtInt(OLD_BUNDLE.gzipBytes)} gzipped)`],
      [`Cold module load: \`node -e "require('<bundle>')"\`, ${b.loadMs.count} fresh processes`, `median ${fmtSummaryMs(b.loadMs)} ms`, ''],
      [`Empty Node.js process: \`node -e ""\`, ${b.emptyMs.count} fresh processes`, `median ${fmtSummaryMs(b.emptyMs)} ms`, ''],
      ['**Module load of the bundle** (difference of the medians)', `**${fmtMs(load)} ms**`, `${OLD_BUNDLE.loadMs} ms`],
    ]),
    '',
    `The bundle is ${(b.bundleBytes / OLD_BUNDLE.bytes).toFixed(2)}× the old one's bytes and its load ${(load / OLD_BUNDLE.loadMs).toFixed(2)}× `
      + 'the old one\'s: the cold start of a Lambda invocation after the deploy (CloudFormation\'s request, or a step after a long Wait).',
    '',
  ].join('\n');
}

export function deployTimeSection(d: DeployTimeResults): string {
  const s = d.settings;
  const poll = d.pollIntervalSeconds;
  const gaps = d.gaps;
  const stat = (values: number[]) => {
    const x = values.filter((v) => Number.isFinite(v));
    if (x.length === 0) return ['—', '—', '—', '—', '—'];
    const sm = summarize(x);
    return [sm.mean.toFixed(0), sm.median.toFixed(0), percentile(x, 90).toFixed(0), sm.min.toFixed(0), sm.max.toFixed(0)];
  };
  const steps = Object.entries(d.stepMs).map(([name, x]) => [name, fmtInt(x.calls), fmtMs(x.median), fmtMs(x.max), fmtMs(x.mean)]);
  const calls = Object.entries(d.callsByOperation).map(([op, n]) => `${fmtInt(n)} × ${op}`).join(', ');
  return [
    '## Deploy time: a simulated migration',
    '',
    `${s.stores} event data stores imported by one stack, each import lasting between ${s.minSeconds / 60} minutes and ${s.maxSeconds / 3600} hours `
      + `(uniform, seeded PRNG, seed ${s.seed}; ${hours(d.durations.reduce((a, b) => a + b, 0))} of imports in all), on the engines the tests `
      + 'use: the BUNDLED orchestrator function, the synthesized state machine on aws-local-stepfunctions, the ledger on dynalite, the '
      + 'CloudWatch Logs stand-in (each import completes its simulated duration after its CreateImportTask), CloudFormation\'s '
      + '`createStack` sequence for each import, all sent at once. Default settings: poll interval '
      + `${poll} s, no waiting for completion.`,
    '',
    `**Time scale: 1 simulated second = ${fmtMs(1000 * s.scale)} ms of real time** (1 simulated hour = ${(3600 * s.scale).toFixed(1)} s; the `
      + `${poll} s poll interval is ${fmtMs(poll * 1000 * s.scale)} ms). It applies to the state machine's Waits and Retries, the function's own `
      + 'waits (`ORCHESTRATOR_TIME_SCALE`) and the imports\' durations. The function itself runs at real speed: every ms it takes reads as '
      + `${fmtMs(1 / s.scale / 1000)} simulated s unless said otherwise. The migration took ${d.realSeconds.toFixed(0)} s of real time.`,
    '',
    table(['Measure', 'Simulated', 'Against'], [
      ['**Makespan** (deploy to the last import\'s end)', `**${hours(d.makespanSeconds)}**`,
        `lower bound ${hours(d.lowerBoundSeconds)} (${(d.makespanSeconds / d.lowerBoundSeconds).toFixed(3)}×)`],
      ['Lower bound for 3 slots: max(sum of durations / 3, longest)', hours(d.lowerBoundSeconds), `sum / 3 = ${hours(d.sumOverSlotsSeconds)}, longest = ${hours(d.longestSeconds)}`],
      ['LPT schedule (longest first, no gaps)', hours(d.lptSeconds), `${(d.makespanSeconds / d.lptSeconds).toFixed(3)}× of it`],
      ['The orchestrator\'s start order, no gaps', hours(d.sameOrderSeconds), `${(d.makespanSeconds / d.sameOrderSeconds).toFixed(3)}× of it: the rest is the gaps`],
      ['Every execution ended', hours(d.allEndedSeconds), ''],
      ['Slot utilisation while imports are queued (first to last start)', pct(d.utilisationQueued), 'goal ≥ 95 %'],
      ['Slot utilisation over the makespan (with the tail)', pct(d.utilisationOverall), ''],
      ['CreateImportTask calls', `${d.createImportTaskCalls} (${d.createImportTaskErrors.length} refused)`, `goal exactly ${s.stores}; ${d.completed} imports COMPLETED`],
      ['Executions', Object.entries(d.executions).map(([k, v]) => `${v} ${k}`).join(', '), ''],
      ['Deploy (every Create answered)', `${d.deployAtMigrationSeconds.toFixed(0)} s`, 'the function\'s real time, scaled'],
    ]),
    '',
    `### From a slot freeing to the next start (${gaps.length} slots freed while imports were queued)`,
    '',
    'The k-th import to end frees the slot of the (k+3)-th to start. "Gap" counts the function\'s own time on the path at real speed '
      + '(only the Waits scaled); "everything scaled" also scales it.',
    '',
    table(['Simulated s', 'Mean', 'Median', 'p90', 'Min', 'Max'], [
      ['**Gap**: import ended → next CreateImportTask', ...stat(gaps.map((g) => g.seconds)).map((v, i) => (i === 0 ? `**${v}**` : v))],
      ['… everything scaled', ...stat(gaps.map((g) => g.rawSeconds))],
      ['… of which: import ended → the Watch that saw it', ...stat(gaps.map((g) => g.detectSeconds))],
      ['… of which: slot released (Finish) → the AcquireSlot that took it', ...stat(gaps.map((g) => g.queueSeconds))],
      ['The function on the path, real ms', ...stat(gaps.map((g) => g.functionMs))],
    ]),
    '',
    `Expected from the design: the end is seen by the ended import's next Watch (0–${poll} s), and the freed slot by a waiting `
      + `execution's next AcquireSlot (0–${poll} s more).`,
    '',
    '### The function\'s steps in the migration (real ms, in-process; the 2 cores are shared by every engine)',
    '',
    table(['Step', 'Invocations', 'Median', 'Max', 'Mean'], steps),
    '',
    `CloudWatch Logs calls in the migration: ${calls}.`,
    '',
    '### CloudFormation deploy time against N',
    '',
    `A fresh stack of N imports, every Create sent at once; ${d.deploys[0].totalMs.count} runs per N (after one untimed run). Real time: no Create `
      + 'waits for a slot or an import, so the Waits play no part. All engines run in one process: the Creates share one thread here, '
      + 'as they would not in AWS (one Lambda invocation each).',
    '',
    table(['N', 'Every Create answered, real ms: median (min–max)', 'Each Create, send → answer, median (min–max) ms', 'Function time per Create, median (min–max) ms', 'All SUCCESS'],
      d.deploys.map((x) => [String(x.n), fmtSummaryMs(x.totalMs), fmtSummaryMs(x.perCreateMs), fmtSummaryMs(x.handlerMs), x.allSucceeded ? 'yes' : 'no'])),
    '',
    'The old design could not deploy this migration at all: resources past the 3rd waited for a slot inside CloudFormation\'s hour (issue 9, finding 11).'
      + (d.violations.length ? ` ⚠️ Shape violations: ${d.violations.join('; ')}` : ' No request or response of the run violated the services\' models.'),
    '',
  ].join('\n');
}

export function deployTimeMethod(d: DeployTimeResults): string[] {
  return [
    '- **Deploy time** (bench/deploy-time.bench.ts): a jest run of its own (`jest --config bench/jest.config.js`; the test task never '
      + 'picks it up), because the deploy-time world loads the bundle with `jest.isolateModules`. CloudTrail\'s GetEventDataStore (the '
      + 'Create\'s retention check) is answered by a loopback server (ENABLED, 3,653 days). Times are read on the stand-ins\' clock '
      + `(ms) and divided by the scale (${d.settings.scale}); a timer's resolution of 1 ms is ${fmtMs(1 / d.settings.scale / 1000)} simulated s.`,
  ];
}
