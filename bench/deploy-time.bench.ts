/**
 * The deploy-time benchmark of the orchestrator, on the engines the tests use: the BUNDLED
 * orchestrator function, the synthesized state machine on aws-local-stepfunctions (its Waits
 * compressed), the ledger on dynalite, the CloudWatch Logs stand-in, driven by the CloudFormation
 * driver's createStack sequence for each import. Run by bench/deploy-time.ts:
 *
 *   BENCH_SETTINGS='<json DeployTimeSettings>' BENCH_OUT=<file> jest --config bench/jest.config.js
 *
 * Two measurements, written as JSON to BENCH_OUT (bench/deploy-time.ts turns them into numbers):
 * - a migration: `stores` imports whose durations are drawn (seeded) between `minSeconds` and
 *   `maxSeconds`, each completed by the stand-in that long after its CreateImportTask, in time
 *   compressed by `scale` (real ms per simulated ms), from the deploy until every execution ended;
 * - deploy time: for each N of `deployCounts`, a fresh stack of N imports, the time until
 *   CloudFormation has an answer to every Create (sent at once, as CloudFormation does).
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { seededRandom } from './util';
import { ImportTimeRange } from '../src';
import { Ledger } from '../src/ledger/ledger';
import * as seq from '../test/cloudformation-driver/sequences';
import { ImportDeclaration, ScenarioOptions, ScenarioWorld, startScenario, storeArn } from '../test/deploy-time/scenario-world';

export interface DeployTimeSettings {
  /** Real time per simulated time (e.g. 0.002: a simulated hour is 7.2 real seconds). */
  readonly scale: number;
  readonly stores: number;
  readonly seed: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly deployCounts: number[];
  readonly deployRuns: number;
}

/** One import of the migration; times are real epoch ms (the stand-in's clock). */
export interface ImportTimes {
  readonly store: string;
  readonly durationSeconds: number;
  readonly created: number;
  readonly completed?: number;
  readonly status: string;
}

/** One invocation of the function as a step of the state machine; real epoch ms. */
export interface StepCall {
  readonly step: string;
  /** The record's store (its sort key until the migration maps it). */
  readonly record: string;
  readonly start: number;
  readonly end: number;
  readonly outcome?: string;
}

export interface MigrationRun {
  /** Real epoch ms at which the Creates were sent. */
  readonly deployStart: number;
  /** Real ms until CloudFormation had every answer. */
  readonly deployMs: number;
  readonly createStatuses: string[];
  /** Real epoch ms at which the last execution ended. */
  readonly end: number;
  readonly imports: ImportTimes[];
  readonly createImportTaskCalls: number;
  readonly createImportTaskErrors: string[];
  readonly callsByOperation: Record<string, number>;
  readonly steps: StepCall[];
  readonly executions: Record<string, number>;
  readonly violations: string[];
}

export interface DeployRun {
  readonly n: number;
  /** Real ms from sending every Create to the last answer. */
  readonly totalMs: number;
  /** Real ms of each Create, from sending it to its answer. */
  readonly perCreateMs: number[];
  /** Function time per Create (the CloudFormation request, not the steps), real ms. */
  readonly handlerMs: number[];
  readonly statuses: string[];
}

export interface DeployTimeRaw {
  readonly settings: DeployTimeSettings;
  readonly migration: MigrationRun;
  readonly deploys: DeployRun[];
}

const WINDOW = ImportTimeRange.fromEpochMillis(Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1) - 1);

const settings: DeployTimeSettings = JSON.parse(process.env.BENCH_SETTINGS ?? '{}');

function startWorld(n: number, options: ScenarioOptions): Promise<ScenarioWorld> {
  // The scenario world answers CloudTrail's GetEventDataStore (the Create's retention check) itself.
  return startScenario(declarations(n), options);
}

/** Imports Store0..Store<n-1>, each of its own store. */
function declarations(n: number): Record<string, ImportDeclaration> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`Store${i}`, { store: `store-${i}`, timeRange: WINDOW }]));
}

/** Sends every Create at once (CloudFormation creates independent resources in parallel). */
async function deploy(s: ScenarioWorld): Promise<{ ms: number; outcomes: Array<{ ms: number; status: string }> }> {
  const start = performance.now();
  const outcomes = await Promise.all(Object.keys(s.ids).map(async (id) => {
    const { first } = await seq.createStack(s.world.driver, s.ids[id], s.props(id));
    return { ms: performance.now() - start, status: first.status };
  }));
  return { ms: performance.now() - start, outcomes };
}

/** Records each step invocation of the function (the state machine calls `world.handler` at call time). */
function recordSteps(s: ScenarioWorld, steps: StepCall[], requests: number[]): void {
  const handler = s.world.handler;
  s.world.handler = async (event: any) => {
    const start = Date.now();
    const began = performance.now();
    const out: any = await handler(event);
    if (event?.step) steps.push({ step: event.step, record: String(event.key?.sk ?? ''), start, end: Date.now(), outcome: out?.outcome });
    else requests.push(performance.now() - began);
    return out;
  };
}

async function migration(): Promise<MigrationRun> {
  const random = seededRandom(settings.seed);
  const durations = Array.from({ length: settings.stores }, () => settings.minSeconds + random() * (settings.maxSeconds - settings.minSeconds));
  const s = await startWorld(settings.stores, {
    logs: { autoAdvance: 0 },
    timeScale: settings.scale,
    // No Wait of the definition (poll interval, settle, retries) is cut short.
    maxWaitMs: 3_600_000,
    serviceTimeoutMs: 60_000,
  });
  durations.forEach((seconds, i) => s.world.logs.addEventDataStore({ arn: storeArn(`store-${i}`), retentionDays: 3653, completeAfterMs: seconds * 1000 * settings.scale }));
  const steps: StepCall[] = [];
  recordSteps(s, steps, []);
  try {
    const deployStart = Date.now();
    const deployed = await deploy(s);
    const longest = settings.stores * settings.maxSeconds * 1000 * settings.scale;
    await s.world.idle(longest);
    const end = Date.now();
    const client = s.world.dynamodb.client();
    const records = await new Ledger(client, String(s.world.properties().LedgerTableName)).allRecords();
    client.destroy();
    const storeOf = new Map(records.map((r) => [r.sk, r.sourceArn.split('/').pop()!]));
    const logs = s.world.logs;
    const imports = logs.createdImports().map((i) => {
      const store = i.importSourceArn.split('/').pop()!;
      return {
        store,
        durationSeconds: durations[Number(store.split('-').pop())],
        created: i.creationTime,
        completed: i.importStatus === 'COMPLETED' ? i.lastUpdatedTime : undefined,
        status: i.importStatus,
      };
    });
    const callsByOperation: Record<string, number> = {};
    for (const c of logs.calls) callsByOperation[c.operation] = (callsByOperation[c.operation] ?? 0) + 1;
    const executions: Record<string, number> = {};
    for (const e of s.world.stepFunctions.executions) executions[e.status] = (executions[e.status] ?? 0) + 1;
    return {
      deployStart,
      deployMs: deployed.ms,
      createStatuses: deployed.outcomes.map((o) => o.status),
      end,
      imports,
      createImportTaskCalls: logs.callCount('CreateImportTask'),
      createImportTaskErrors: logs.calls.filter((c) => c.operation === 'CreateImportTask' && c.error).map((c) => c.error!),
      callsByOperation,
      steps: steps.map((step) => ({ ...step, record: storeOf.get(step.record) ?? step.record })),
      executions,
      violations: s.world.violations(),
    };
  } finally {
    await s.world.close();
  }
}

async function deployOnce(n: number): Promise<DeployRun> {
  // Imports advance a batch per listing: the queue drains before the world closes.
  const s = await startWorld(n, { logs: { autoAdvance: 1 }, serviceTimeoutMs: 60_000 });
  const handlerMs: number[] = [];
  recordSteps(s, [], handlerMs);
  // The driver calls the handler it was given: route it through the recording one.
  (s.world.driver as any).handler = s.world.handler;
  try {
    const deployed = await deploy(s);
    await s.world.idle(600_000);
    return { n, totalMs: deployed.ms, perCreateMs: deployed.outcomes.map((o) => o.ms), handlerMs, statuses: deployed.outcomes.map((o) => o.status) };
  } finally {
    await s.world.close();
  }
}

test('deploy-time benchmark', async () => {
  expect(settings.scale).toBeGreaterThan(0);
  const deploys: DeployRun[] = [];
  // One untimed deploy first: the bundle, dynalite and the SDK clients loaded and warm.
  await deployOnce(1);
  for (let run = 0; run < settings.deployRuns; run++) {
    for (const n of settings.deployCounts) deploys.push(await deployOnce(n));
  }
  const raw: DeployTimeRaw = { settings, migration: await migration(), deploys };
  fs.writeFileSync(process.env.BENCH_OUT!, JSON.stringify(raw));
});
