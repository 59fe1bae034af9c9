/**
 * Executions that outlive their history (issue 16, item 6). A Standard execution holds 25,000
 * history events and dies past them outside every Catch; the Step Functions stand-in enforces that
 * quota. At a 1-minute poll a single execution would die within about two days; every 800 waits the
 * record's execution hands over to its next generation instead. Replayed on what ships: the bundled
 * function, the synthesized state machine on aws-local-stepfunctions, the ledger on dynalite.
 *
 * The queue and the import are measured in polls (1 poll = 1 simulated minute). By default they are
 * 1 and 2 days long (generations in each, the import longer than one execution holds);
 * HISTORY_FULL_LENGTH=1 runs the 10-day queue and 30-day import (57,600 polls, minutes).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  endScenario, LOG_GROUP, MANAGEMENT_EVENTS, MANAGEMENT_SELECTORS, recordsOf, ScenarioWorld,
  startMigrationScenario, startScenario, storeArn, until, Y2025,
} from './scenario-world';
import { Ledger } from '../../src/ledger/ledger';
import { OwnerRecord } from '../../src/ledger/record';
import { POLLS_PER_EXECUTION } from '../../src/orchestrator/definition';
import * as seq from '../cloudformation-driver/sequences';
import { ExecutionRecord, MAX_HISTORY_EVENTS } from '../stand-in/step-functions-stand-in';

const FULL_LENGTH = process.env.HISTORY_FULL_LENGTH === '1';
const DAY = 24 * 60; // polls, at one a minute
const QUEUE_POLLS = (FULL_LENGTH ? 10 : 1) * DAY;
const IMPORT_POLLS = (FULL_LENGTH ? 30 : 2) * DAY;
const MIGRATION_IMPORT_POLLS = (FULL_LENGTH ? 30 : 1) * DAY;
const POLL = { pollInterval: Duration.minutes(1) };
/** The state machine's waits take no real time: a poll costs only its step. */
const FAST = { maxWaitMs: 0, dynamicWaitMs: 0 };

jest.setTimeout(FULL_LENGTH ? 3_600_000 : 240_000);

let s: ScenarioWorld;
afterEach(async () => endScenario(s));

async function record(): Promise<OwnerRecord> {
  const all = await recordsOf(s);
  return all[all.length - 1];
}

async function slotHolders() {
  const client = s.world.dynamodb.client();
  const slots = await new Ledger(client, String(s.world.properties(s.world.resources[0]).LedgerTableName)).slots();
  client.destroy();
  return slots.holders;
}

/** Times the executions (every generation) entered `state` so far; counted incrementally. */
function entries(state: string): () => number {
  const seen = new Map<ExecutionRecord, { index: number; count: number }>();
  return () => {
    let total = 0;
    for (const e of s.world.stepFunctions.executions) {
      const mark = seen.get(e) ?? { index: 0, count: 0 };
      for (; mark.index < e.events.length; mark.index++) {
        const event = e.events[mark.index];
        if (event.type === 'StateEntered' && (event.state as any)?.name === state) mark.count++;
      }
      seen.set(e, mark);
      total += mark.count;
    }
    return total;
  };
}

/** The three slots taken by imports of another stack until `release` (the queue). */
function occupySlots() {
  const foreign = [1, 2, 3].map(() => s.world.logs.addImport({ importSourceArn: storeArn('someone-else') }));
  return { release: () => foreign.forEach((i) => s.world.logs.completeImport(i.importId)) };
}

/** The synthesized definition with the hand-over turned off: the budget check never passes. */
function withoutHandOver(template: any): any {
  let replaced = 0;
  const walk = (value: any): any => {
    if (typeof value === 'string') {
      return value.replace(new RegExp(`"NumericGreaterThanEquals":${POLLS_PER_EXECUTION}\\b`, 'g'), () => {
        replaced++;
        return '"NumericGreaterThanEquals":1000000000';
      });
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const rewritten = walk(template);
  if (replaced === 0) throw new Error('withoutHandOver: no budget check found in the definition');
  return rewritten;
}

/** Every execution ended well, none past half its history; a generation for every POLLS_PER_EXECUTION waits of `polls`. */
function expectGenerationsWithinTheirHistory(polls: number) {
  const executions = s.world.stepFunctions.executions;
  expect(executions.filter((e) => e.status !== 'SUCCEEDED').map((e) => `${e.name} ${e.status} ${e.error ?? ''}`)).toEqual([]);
  expect(Math.max(...executions.map((e) => e.historyEvents))).toBeLessThan(MAX_HISTORY_EVENTS / 2);
  expect(executions.length).toBeGreaterThanOrEqual(Math.ceil(polls / POLLS_PER_EXECUTION));
  // Named by the record and their generation, each started once.
  expect(executions.map((e) => e.name)).toEqual(executions.map((_e, g) => (g === 0 ? executions[0].name : `${executions[0].name}-g${g}`)));
}

test('without the hand-over (the definition as it was), an execution dies of its history and its record is left STARTED, unannounced', async () => {
  s = await startScenario({ Import: { timeRange: Y2025, handler: POLL } }, { logs: { autoAdvance: 0 }, ...FAST, rewriteTemplate: withoutHandOver });
  await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
  const [execution] = s.world.stepFunctions.executions;
  await until(() => execution.status !== 'RUNNING', 120_000);
  expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  expect(execution.historyEvents).toBe(MAX_HISTORY_EVENTS + 1);
  // Past 2 days of 1-minute polls: the import goes on, nobody watches it any more.
  expect(entries('Watch')()).toBeLessThan(2 * DAY);
  s.world.logs.completeImport(s.world.logs.createdImports()[0].importId);
  await s.world.idle(30_000);
  expect((await record()).state).toBe('STARTED');
  expect(s.world.integrations.events).toEqual([]);
  expect(s.world.stepFunctions.executions).toHaveLength(1);
});

test(`an import that runs ${IMPORT_POLLS / DAY} days behind a ${QUEUE_POLLS / DAY}-day queue at a 1-minute poll ends COMPLETED and announced`, async () => {
  s = await startScenario({ Import: { timeRange: Y2025, handler: POLL } }, { logs: { autoAdvance: 0 }, ...FAST });
  const slots = occupySlots();
  const { first } = await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
  expect(first.status).toBe('SUCCESS');

  const slotLooks = entries('AcquireSlot');
  await until(() => slotLooks() >= QUEUE_POLLS, 3_600_000);
  const queued = await record();
  expect(queued).toMatchObject({ state: 'SCHEDULED' });
  expect(queued.generation).toBeGreaterThanOrEqual(1);
  expect(s.world.logs.createdImports()).toEqual([]);
  slots.release();

  await until(() => s.world.logs.createdImports().length === 1, 60_000);
  const [imp] = s.world.logs.createdImports();
  const watches = entries('Watch');
  await until(() => watches() >= IMPORT_POLLS, 3_600_000);
  const running = await record();
  expect(running).toMatchObject({ state: 'STARTED', importId: imp.importId });
  expect(running.generation!).toBeGreaterThan(queued.generation!);
  expect(running.executionArn).toBe(s.world.stepFunctions.running()[0]?.executionArn);
  s.world.logs.completeImport(imp.importId);
  await s.world.idle(60_000);

  const done = await record();
  expect(done).toMatchObject({ state: 'COMPLETED', importStatus: 'COMPLETED' });
  expect(s.world.logs.createdImports()).toHaveLength(1);
  expect(s.world.integrations.events.map((e) => e.DetailType)).toEqual(['Event Data Store Import Completed']);
  expectGenerationsWithinTheirHistory(QUEUE_POLLS + IMPORT_POLLS);
  expect(await slotHolders()).toEqual({});
  expect(done.executionArn).toBe(s.world.stepFunctions.executions[s.world.stepFunctions.executions.length - 1].executionArn);
});

test('a migration whose import runs for days: COMPLETED, announced, and Lake stopped after the parallel run by a later generation', async () => {
  s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { stopLakeIngestion: true, parallelRun: Duration.hours(1), handler: POLL },
    { logs: { autoAdvance: 0 }, ...FAST });
  s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() - 40 * 60_000 }]);
  const delivery = setInterval(() => s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() }]), 50);
  try {
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    await until(() => s.world.logs.createdImports().length === 1, 60_000);
    const watches = entries('Watch');
    await until(() => watches() >= MIGRATION_IMPORT_POLLS, 3_600_000);
    expect((await record()).generation).toBeGreaterThanOrEqual(1);
    s.world.logs.completeImport(s.world.logs.createdImports()[0].importId);
    await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 120_000);
    await s.world.idle(60_000);
  } finally {
    clearInterval(delivery);
  }
  const r = await record();
  expect(r.state).toBe('COMPLETED');
  expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
  expect(s.world.integrations.events.map((e) => e.DetailType)).toEqual(['Event Data Store Import Completed', 'Lake Ingestion Stopped']);
  expectGenerationsWithinTheirHistory(MIGRATION_IMPORT_POLLS);
});

test('an Update that waits for completion is answered by whichever generation sees the import complete', async () => {
  s = await startScenario({ Import: { timeRange: Y2025, handler: POLL } }, { logs: { autoAdvance: 0 }, serviceTimeoutMs: 120_000, ...FAST });
  await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
  await until(async () => ((await record()).generation ?? 0) >= 1, 120_000);
  const update = seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', { WaitForCompletion: 'true', TimeoutSeconds: '3000' }));
  await until(async () => Object.keys((await record()).pendingResponses ?? {}).length === 1, 30_000);
  const waitingAt = (await record()).generation!;
  // The answer waits in the record while the execution that would give it hands over.
  await until(async () => (await record()).generation! > waitingAt, 120_000);
  const [imp] = s.world.logs.createdImports();
  s.world.logs.completeImport(imp.importId);
  const { first } = await update;
  expect(first).toMatchObject({ status: 'SUCCESS', response: { PhysicalResourceId: (await record()).sk, Data: { ImportId: imp.importId } } });
  await s.world.idle(30_000);
  expect((await record()).pendingResponses).toEqual({});
  expectGenerationsWithinTheirHistory(0);
});

describe('a Delete at a later generation is answered, and stops the execution that runs then', () => {
  test('queued (RETAIN): the record is withdrawn, nothing is imported, no execution runs on', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, handler: POLL } }, { logs: { autoAdvance: 0 }, ...FAST });
    const slots = occupySlots();
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => ((await record()).generation ?? 0) >= 1, 120_000);
    const [deleted] = await seq.deleteStack(s.world.driver);
    expect(deleted.status).toBe('SUCCESS');
    slots.release();
    await s.world.idle(30_000);
    expect((await record()).state).toBe('WITHDRAWN');
    expect(s.world.logs.createdImports()).toEqual([]);
    expect(s.world.stepFunctions.running()).toEqual([]);
    expect(await slotHolders()).toEqual({});
  });

  test('running (DESTROY): the import is cancelled and its log group deleted; the current generation is stopped', async () => {
    const imports = { Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY, handler: POLL } };
    s = await startScenario(imports, { logs: { autoAdvance: 0 }, ...FAST });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => ((await record()).generation ?? 0) >= 1, 120_000);
    const current = (await record()).executionArn!;
    const [deleted] = await seq.deleteStack(s.world.driver);
    expect(deleted.status).toBe('SUCCESS');
    await s.world.idle(30_000);
    const [imp] = s.world.logs.createdImports();
    expect(s.world.logs.cancelledImportIds()).toEqual([imp.importId]);
    expect(s.world.logs.deletedLogGroups()).toEqual([LOG_GROUP]);
    expect((await record()).state).toBe('CANCELLED');
    expect(s.world.stepFunctions.execution(current).status).toBe('ABORTED');
    expect(s.world.stepFunctions.running()).toEqual([]);
    expect(s.world.integrations.events).toEqual([]);
  });
});

test('a hand-over refused after its retries (StartExecution denied for a while) is tried again a poll later: the import runs on, COMPLETED', async () => {
  s = await startScenario({ Import: { timeRange: Y2025, handler: POLL } }, { logs: { autoAdvance: 0 }, ...FAST });
  await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
  await until(() => s.world.logs.createdImports().length === 1, 60_000);
  const [imp] = s.world.logs.createdImports();
  const watches = entries('Watch');
  await until(() => watches() >= POLLS_PER_EXECUTION - 20, 600_000);
  // Refused well past the HandOver task's own retries (the old definition failed the record here).
  s.world.stepFunctions.refuseNext(40, 'StartExecution', 'StateMachineDeleting');
  const retried = entries('HandOverRetried?');
  await until(() => retried() >= 1, 600_000);
  await until(() => s.world.stepFunctions.executions.length >= 2, 600_000);
  expect((await record()).state).toBe('STARTED');
  s.world.logs.completeImport(imp.importId);
  await until(async () => (await record()).state !== 'STARTED', 120_000);
  await s.world.idle(30_000);
  expect(await record()).toMatchObject({ state: 'COMPLETED', generation: 1 });
  expect(s.world.logs.createdImports()).toHaveLength(1);
  expect(s.world.logs.cancelledImportIds()).toEqual([]);
  expect(s.world.integrations.events.map((e) => e.DetailType)).toEqual(['Event Data Store Import Completed']);
  expect(s.world.stepFunctions.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
});
