/**
 * Runs the deploy-time benchmark (bench/deploy-time.bench.ts) in its own jest invocation
 * (bench/jest.config.js; the test task never sees it) and turns its raw times into the numbers
 * of the report: makespan against the lower bound for 3 slots, slot utilisation, CreateImportTask
 * calls, the time from a slot freeing to the next start, and deploy time against N.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployRun, DeployTimeRaw, DeployTimeSettings, MigrationRun, StepCall } from './deploy-time.bench';
import { REPO_ROOT, summarize, Summary } from './util';
import { MAX_ACTIVE_IMPORTS } from '../src/orchestrator/contract';
import { DEFAULT_POLL_INTERVAL } from '../src/orchestrator/orchestrator';

export interface SlotGap {
  /** Simulated s from the import's end to the next CreateImportTask, everything scaled. */
  readonly rawSeconds: number;
  /** The same with the function's own time on that path counted at real speed (only the Waits scaled). */
  readonly seconds: number;
  /** Simulated s from the end to the Watch step that saw it. */
  readonly detectSeconds: number;
  /** Simulated s from the Finish step (slot released) to the AcquireSlot step that took it. */
  readonly queueSeconds: number;
  /** Real ms of the function on the path (Watch, Finish, AcquireSlot, CreateImport). */
  readonly functionMs: number;
}

export interface DeployTimeResults {
  readonly settings: DeployTimeSettings;
  readonly pollIntervalSeconds: number;
  readonly durations: number[];
  readonly realSeconds: number;
  readonly makespanSeconds: number;
  readonly allEndedSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly sumOverSlotsSeconds: number;
  readonly longestSeconds: number;
  readonly lptSeconds: number;
  /** The orchestrator's start order, each import started the instant a slot frees. */
  readonly sameOrderSeconds: number;
  /** Busy slot time over 3 × the time from the first start to the last start (the queue is never empty then). */
  readonly utilisationQueued: number;
  /** Busy slot time over 3 × makespan (includes the tail, when fewer imports than slots remain). */
  readonly utilisationOverall: number;
  readonly createImportTaskCalls: number;
  readonly createImportTaskErrors: string[];
  readonly completed: number;
  readonly executions: Record<string, number>;
  readonly gaps: SlotGap[];
  readonly stepMs: Record<string, Summary & { readonly calls: number }>;
  readonly callsByOperation: Record<string, number>;
  readonly deployAtMigrationSeconds: number;
  readonly deploys: DeploySummary[];
  readonly violations: string[];
}

export interface DeploySummary {
  readonly n: number;
  readonly totalMs: Summary;
  readonly perCreateMs: Summary;
  readonly handlerMs: Summary;
  readonly allSucceeded: boolean;
}

export function runDeployTimeBenchmark(settings: DeployTimeSettings, log: (line: string) => void): DeployTimeResults {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-deploy-time-')), 'raw.json');
  log(`deploy time: ${settings.stores} imports, scale ${settings.scale} (1 simulated hour = ${(3600 * settings.scale).toFixed(1)} real s), jest --config bench/jest.config.js`);
  const result = spawnSync(process.execPath, [require.resolve('jest/bin/jest', { paths: [REPO_ROOT] }), '--config', 'bench/jest.config.js', '--runInBand'], {
    cwd: REPO_ROOT,
    env: { ...process.env, BENCH_SETTINGS: JSON.stringify(settings), BENCH_OUT: out },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0 || !fs.existsSync(out)) throw new Error(`the deploy-time benchmark failed:\n${result.stdout}\n${result.stderr}`);
  return analyse(JSON.parse(fs.readFileSync(out, 'utf8')) as DeployTimeRaw);
}

export function analyse(raw: DeployTimeRaw): DeployTimeResults {
  const { settings, migration: m } = raw;
  const toSim = (realMs: number) => realMs / settings.scale / 1000;
  const at = (t: number) => toSim(t - m.deployStart);
  const durations = m.imports.map((i) => i.durationSeconds);
  const sum = durations.reduce((a, b) => a + b, 0);
  const longest = Math.max(...durations);
  const starts = m.imports.map((i) => at(i.created)).sort((a, b) => a - b);
  const ends = m.imports.map((i) => at(i.completed ?? m.end)).sort((a, b) => a - b);
  const makespan = Math.max(...ends);
  const busyBefore = (t: number) => m.imports.reduce((a, i) => a + Math.max(0, Math.min(at(i.completed ?? m.end), t) - at(i.created)), 0);
  const lastStart = starts[starts.length - 1];
  const order = [...m.imports].sort((a, b) => a.created - b.created).map((i) => i.durationSeconds);
  return {
    settings,
    pollIntervalSeconds: DEFAULT_POLL_INTERVAL.toSeconds(),
    durations,
    realSeconds: (m.end - m.deployStart) / 1000,
    makespanSeconds: makespan,
    allEndedSeconds: at(m.end),
    lowerBoundSeconds: Math.max(sum / MAX_ACTIVE_IMPORTS, longest),
    sumOverSlotsSeconds: sum / MAX_ACTIVE_IMPORTS,
    longestSeconds: longest,
    lptSeconds: listSchedule([...durations].sort((a, b) => b - a)),
    sameOrderSeconds: listSchedule(order),
    utilisationQueued: (busyBefore(lastStart) - busyBefore(starts[0])) / (MAX_ACTIVE_IMPORTS * (lastStart - starts[0])),
    utilisationOverall: sum / (MAX_ACTIVE_IMPORTS * makespan),
    createImportTaskCalls: m.createImportTaskCalls,
    createImportTaskErrors: m.createImportTaskErrors,
    completed: m.imports.filter((i) => i.status === 'COMPLETED').length,
    executions: m.executions,
    gaps: slotGaps(m, settings),
    stepMs: stepTimes(m.steps),
    callsByOperation: m.callsByOperation,
    deployAtMigrationSeconds: toSim(m.deployMs),
    deploys: [...new Set(raw.deploys.map((d) => d.n))].map((n) => deploySummary(n, raw.deploys.filter((d) => d.n === n))),
    violations: m.violations,
  };
}

/** Makespan of starting each import, in this order, on the first free of the 3 slots. */
function listSchedule(durations: number[]): number {
  const slots = Array<number>(MAX_ACTIVE_IMPORTS).fill(0);
  for (const d of durations) {
    const i = slots.indexOf(Math.min(...slots));
    slots[i] += d;
  }
  return Math.max(...slots);
}

/**
 * The k-th end (in time) frees the slot of the (k+3)-th start: at most 3 run at once. Each gap
 * follows the ended import's record (the Watch that saw the end, its Finish) and the started one's
 * (the AcquireSlot that took the slot, its CreateImport).
 */
function slotGaps(m: MigrationRun, settings: DeployTimeSettings): SlotGap[] {
  const toSim = (realMs: number) => realMs / settings.scale / 1000;
  const byStore = new Map(m.imports.map((i) => [i.store, i]));
  const stepsOf = (store: string) => m.steps.filter((s) => s.record === store).sort((a, b) => a.start - b.start);
  const ended = [...m.imports].filter((i) => i.completed !== undefined).sort((a, b) => a.completed! - b.completed!);
  const started = [...m.imports].sort((a, b) => a.created - b.created);
  const gaps: SlotGap[] = [];
  for (let k = 0; k + MAX_ACTIVE_IMPORTS < started.length && k < ended.length; k++) {
    const done = ended[k];
    const next = byStore.get(started[k + MAX_ACTIVE_IMPORTS].store)!;
    const doneSteps = stepsOf(done.store);
    const nextSteps = stepsOf(next.store);
    const watch = doneSteps.find((s) => s.step === 'watch' && s.end >= done.completed! && s.outcome !== 'IN_PROGRESS' && s.outcome !== 'STARTED');
    const finish = doneSteps.find((s) => s.step === 'finish');
    const acquired = nextSteps.filter((s) => s.step === 'acquireSlot' && s.outcome === 'ACQUIRED').pop();
    const create = nextSteps.find((s) => s.step === 'createImport');
    const rawMs = next.created - done.completed!;
    const functionMs = [watch, finish, acquired].reduce((a, s) => a + (s ? s.end - s.start : 0), 0)
      + (create ? Math.max(0, next.created - create.start) : 0);
    const onPath = Math.min(functionMs, Math.max(0, rawMs));
    gaps.push({
      rawSeconds: toSim(rawMs),
      seconds: toSim(rawMs - onPath) + onPath / 1000,
      detectSeconds: watch ? toSim(Math.max(0, watch.start - done.completed!)) : NaN,
      queueSeconds: finish && acquired ? toSim(Math.max(0, acquired.start - finish.end)) : NaN,
      functionMs,
    });
  }
  return gaps;
}

function stepTimes(steps: StepCall[]): DeployTimeResults['stepMs'] {
  const names = [...new Set(steps.map((s) => s.step))];
  return Object.fromEntries(names.map((name) => {
    const ms = steps.filter((s) => s.step === name).map((s) => s.end - s.start);
    return [name, { ...summarize(ms), calls: ms.length }];
  }));
}

function deploySummary(n: number, runs: DeployRun[]): DeploySummary {
  return {
    n,
    totalMs: summarize(runs.map((r) => r.totalMs)),
    perCreateMs: summarize(runs.flatMap((r) => r.perCreateMs)),
    handlerMs: summarize(runs.flatMap((r) => r.handlerMs)),
    allSucceeded: runs.every((r) => r.statuses.every((s) => s === 'SUCCESS')),
  };
}
