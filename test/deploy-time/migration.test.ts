/**
 * A CloudTrailLakeMigration's deploy-time decisions on what ships (the bundled function, the
 * synthesized state machine on aws-local-stepfunctions, the ledger on dynalite, CloudWatch Logs and
 * CloudTrail on their stand-ins): the cutover measured where ongoing ingestion demonstrably starts,
 * and the stop of Lake ingestion after the parallel run. The stand-in says "no events yet" until a
 * test delivers events into the ongoing log groups. Each test asserts the final state.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  DATA_EVENTS, endScenario, MANAGEMENT_EVENTS, MIGRATION_CLOCK_BEHIND_MS, MANAGEMENT_SELECTORS, recordsOf, ScenarioWorld, sleep,
  startMigrationScenario, storeArn, until,
} from './scenario-world';
import { OwnerRecord } from '../../src/ledger/record';
import * as seq from '../cloudformation-driver/sequences';

jest.setTimeout(90_000);

const OVERLAP_MS = 15 * 60_000;
const WITH_DATA = [...MANAGEMENT_SELECTORS, { name: 'S3', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }] }];

let s: ScenarioWorld;
afterEach(async () => endScenario(s));

async function record(): Promise<OwnerRecord> {
  const all = await recordsOf(s);
  return all[all.length - 1];
}

function created() {
  return s.world.logs.createdImports();
}

/** When the rule's first ongoing event happened, for a test: 40 minutes ago (see MIGRATION_CLOCK_BEHIND_MS). */
function ruleStarted(): number {
  return Date.now() - 40 * 60_000;
}

/** Now by the orchestrator's clock (see MIGRATION_CLOCK_BEHIND_MS): its deadlines and the ledger's times are in it. */
function orchestratorNow(): number {
  return Date.now() - MIGRATION_CLOCK_BEHIND_MS;
}

/** The rule delivers: its first event (see `ruleStarted`), then one every 50 ms, until stopped. */
function deliverContinuously(group: string): () => void {
  s.world.logs.addLogEvents(group, [{ timestamp: ruleStarted() }]);
  const timer = setInterval(() => s.world.logs.addLogEvents(group, [{ timestamp: Date.now() }]), 50);
  return () => clearInterval(timer);
}

describe('the cutover', () => {
  test('no ongoing events yet: nothing is imported; once they arrive, the window ends at the first one plus the overlap', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { historyStart: new Date(Date.UTC(2025, 0, 1)) }, { logs: { autoAdvance: 1 } });
    const { first } = await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    expect(first.status).toBe('SUCCESS');
    await sleep(500);
    expect(created()).toEqual([]);
    expect((await record()).state).toBe('SCHEDULED');
    expect((await record()).cutover?.cutoverTime).toBeUndefined();

    const firstOngoing = ruleStarted();
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: firstOngoing + 1_000 }, { timestamp: firstOngoing }]);
    await until(() => created().length === 1, 30_000);
    await s.world.idle(30_000);
    const [imp] = created();
    expect(imp.importFilter).toEqual({ startEventTime: Date.UTC(2025, 0, 1), endEventTime: firstOngoing + OVERLAP_MS });
    const r = await record();
    expect(r.cutover).toMatchObject({ cutoverTime: firstOngoing, firstEvents: { [MANAGEMENT_EVENTS]: firstOngoing } });
    expect(r.state).toBe('COMPLETED');
    expect(created()).toHaveLength(1);
    const [event] = s.world.integrations.events;
    expect(typeof event.Detail === 'string' ? JSON.parse(event.Detail) : event.Detail).toMatchObject({ cutoverTime: new Date(firstOngoing).toISOString(), status: 'COMPLETED' });
  });

  test('management and data events: the cutover waits for both log groups and is the later first event', async () => {
    s = await startMigrationScenario({ 'store-1': WITH_DATA }, {}, { logs: { autoAdvance: 1 } });
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    const management = ruleStarted();
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: management }]);
    await sleep(800);
    expect(created()).toEqual([]);
    expect((await record()).cutover?.firstEvents).toEqual({ [MANAGEMENT_EVENTS]: management });
    const data = ruleStarted() + 5 * 60_000;
    s.world.logs.addLogEvents(DATA_EVENTS, [{ timestamp: data }]);
    await until(() => created().length === 1, 30_000);
    expect(created()[0].importFilter).toEqual({ endEventTime: data + OVERLAP_MS });
    // What the README states of the overlap: the group whose first event came last duplicates the overlap,
    // the earlier group the overlap plus the difference of the two first events.
    const end = created()[0].importFilter!.endEventTime!;
    expect(end - data).toBe(OVERLAP_MS);
    expect(end - management).toBe(OVERLAP_MS + (data - management));
  });

  // Whether a delivered event's timestamp is its eventTime or its delivery time, and in which order
  // FilterLogEvents returns events, is not documented: neither may leave a gap.
  test.each([
    ['eventTime', 'as-delivered', 0],
    ['eventTime', 'ascending', 0],
    ['delivery time', 'as-delivered', 5 * 60_000],
    ['delivery time', 'ascending', 5 * 60_000],
  ] as const)('timestamps are the %s, listed %s: no gap, overlap bounded', async (_what, filterOrder, deliveryDelayMs) => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, {}, { logs: { autoAdvance: 1, filterOrder } });
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    // The rule starts delivering at ruleStart: events from then on arrive, out of order, timestamped per the alternative.
    const ruleStart = ruleStarted() - deliveryDelayMs;
    const eventTimes = [ruleStart + 3_000, ruleStart + 1_000, ruleStart, ruleStart + 2_000];
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, eventTimes.map((t) => ({ timestamp: t + deliveryDelayMs })));
    await until(() => created().length === 1, 30_000);
    const end = created()[0].importFilter!.endEventTime!;
    expect(end).toBeGreaterThanOrEqual(ruleStart + OVERLAP_MS); // every event before the rule's start (and the overlap) is imported
    expect(end - ruleStart).toBeLessThanOrEqual(OVERLAP_MS + deliveryDelayMs); // the overlap is bounded
  });

  test('an event from before the resource was created (another rule\'s) is not the cutover', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, {}, { logs: { autoAdvance: 1 } });
    // By the orchestrator's clock, a minute before the resource's creation: an older rule delivered it.
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() - MIGRATION_CLOCK_BEHIND_MS - 60_000 }]);
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    await sleep(500);
    expect(created()).toEqual([]);
    const first = ruleStarted();
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: first }]);
    await until(() => created().length === 1, 30_000);
    expect(created()[0].importFilter?.endEventTime).toBe(first + OVERLAP_MS);
  });

  test('no ongoing event within the cutover timeout: the import fails, nothing is imported, and the message says what to check', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { cutoverTimeout: Duration.hours(1), waitForCompletion: true }, { logs: { autoAdvance: 1 } });
    const { first } = await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    await s.world.idle(30_000);
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toMatch(/no ongoing CloudTrail event reached aws\/cloudtrail\/managementevents within 1 h of the telemetry rule's creation.*Check the rule in the CloudWatch console/);
    expect(created()).toEqual([]);
    expect((await record()).state).toBe('FAILED');
  });

  test('waitForCompletion whose deadline comes during the wait for ongoing events: FAILED, saying why waiting cannot work here', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { waitForCompletion: true }, { logs: { autoAdvance: 1 } });
    const { first } = await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1', { TimeoutSeconds: '2' }));
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toMatch(/the cutover is not measured yet: no ongoing event has reached aws\/cloudtrail\/managementevents.*Deploy the migration without waitForCompletion/);
    expect(created()).toEqual([]);
  });

  test('a re-delivered Create during the wait for ongoing events starts one execution and one import', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, {}, { logs: { autoAdvance: 1 } });
    await seq.redeliveredCreate(s.world.driver, s.ids['store-1'], s.props('store-1'), 'concurrently');
    await sleep(300);
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }]);
    await until(() => created().length === 1, 30_000);
    await s.world.idle(30_000);
    expect(created()).toHaveLength(1);
    expect(await recordsOf(s)).toHaveLength(1);
    expect(s.world.stepFunctions.executions).toHaveLength(1);
  });

  test('waitForCompletion: CloudFormation gets the cutover and the window\'s end as attributes', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { waitForCompletion: true }, { logs: { autoAdvance: 1 } });
    const run = seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    await sleep(200);
    const cutover = ruleStarted();
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: cutover }]);
    const { first } = await run;
    expect(first.status).toBe('SUCCESS');
    expect(first.response?.Data).toMatchObject({
      CutoverTime: new Date(cutover).toISOString(),
      ImportEndTime: new Date(cutover + OVERLAP_MS).toISOString(),
    });
  });
});

describe('the stop of Lake ingestion', () => {
  const STOP = { stopLakeIngestion: true, parallelRun: Duration.hours(1) };

  test('after the parallel run, once the import has COMPLETED and ongoing events arrive: stopped once, the store kept', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, STOP, { logs: { autoAdvance: 1 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 60_000);
    } finally {
      stop();
    }
    await s.world.idle(30_000);
    const r = await record();
    expect(r.state).toBe('COMPLETED');
    expect(r.ingestionStop!.stoppedAt!).toBeGreaterThanOrEqual(r.ingestionStop!.dueAt!);
    expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
    expect(s.cloudTrail.statusOf(storeArn('store-1'))).toBe('STOPPED_INGESTION');
    expect(s.world.integrations.events.map((e) => e.DetailType)).toEqual(['Event Data Store Import Completed', 'Lake Ingestion Stopped']);
  });

  test('not before the import has COMPLETED: a failed import leaves Lake ingestion running', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, STOP, { logs: { autoAdvance: 1, failAtBatch: 2 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).state === 'FAILED', 60_000);
      await s.world.idle(30_000);
    } finally {
      stop();
    }
    const r = await record();
    expect(r.ingestionStop).toMatchObject({ state: 'SKIPPED', message: expect.stringContaining('the import ended FAILED, not COMPLETED') });
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    expect(s.cloudTrail.statusOf(storeArn('store-1'))).toBe('ENABLED');
  });

  test('ongoing events stopped arriving: the stop waits for them, then stops', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, STOP, { logs: { autoAdvance: 1 } });
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    // One event just after the resource's creation: the cutover; by the stop, it is not recent.
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: orchestratorNow() }]);
    await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
    // The parallel run (3.6 s here) ends with no event in the last "hour" (3.6 s): nothing is stopped.
    await until(async () => orchestratorNow() > (await record()).ingestionStop!.dueAt! + 5_000, 60_000);
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    expect((await record()).ingestionStop?.state).toBe('PENDING');
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() }]);
    await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 30_000);
    expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
  });

  test('the resource is deleted during the parallel run: nothing is stopped, the execution ends', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { stopLakeIngestion: true, parallelRun: Duration.hours(24) }, { logs: { autoAdvance: 1 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
      const [deleted] = await seq.deleteStack(s.world.driver);
      expect(deleted.status).toBe('SUCCESS');
      await s.world.idle(30_000);
    } finally {
      stop();
    }
    const r = await record();
    expect(r.ingestionStop).toMatchObject({ state: 'CANCELLED', message: expect.stringContaining('Lake ingestion keeps running') });
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    expect(s.world.stepFunctions.executions.every((e) => e.status !== 'RUNNING')).toBe(true);
  });

  test('the stop is refused: Lake ingestion keeps running and the message names the permission', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, STOP, { logs: { autoAdvance: 1 } });
    s.cloudTrail.denyStopIngestion = true;
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => ['FAILED', 'STOPPED'].includes((await record()).ingestionStop?.state ?? ''), 60_000);
    } finally {
      stop();
    }
    expect((await record()).ingestionStop).toMatchObject({ state: 'FAILED', message: expect.stringMatching(/Lake ingestion keeps running: .*StopEventDataStoreIngestion/) });
    expect(s.cloudTrail.statusOf(storeArn('store-1'))).toBe('ENABLED');
    expect(s.world.integrations.events.map((e) => e.DetailType)).toContain('Lake Ingestion Not Stopped');
  });

  test('a store someone stopped already: recorded as stopped, nothing else done', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, STOP, { logs: { autoAdvance: 1 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).state === 'COMPLETED', 60_000);
      s.cloudTrail.addStore({ arn: storeArn('store-1'), retentionPeriod: 3653, status: 'STOPPED_INGESTION' });
      await until(async () => (await record()).ingestionStop?.state !== 'PENDING', 60_000);
    } finally {
      stop();
    }
    expect((await record()).ingestionStop).toMatchObject({ state: 'STOPPED', message: expect.stringContaining('STOPPED_INGESTION (it was not running any more)') });
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
  });

  test('RemovalPolicy.DESTROY of a migration whose import runs: cancelled, and the stop with it', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { ...STOP, removalPolicy: RemovalPolicy.DESTROY }, { logs: { autoAdvance: 0 } });
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }]);
    await until(() => created().length === 1, 30_000);
    await seq.deleteStack(s.world.driver);
    await s.world.idle(30_000);
    expect(s.world.logs.cancelledImportIds()).toEqual([created()[0].importId]);
    expect((await record()).ingestionStop?.state).toBe('CANCELLED');
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
  });

  test('an Update turns the stop off during the parallel run: the same import, nothing stopped', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { stopLakeIngestion: true, parallelRun: Duration.hours(2) }, { logs: { autoAdvance: 1 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
      const { StopIngestionAfterSeconds, ...withoutStop } = s.props('store-1') as Record<string, unknown>;
      expect(StopIngestionAfterSeconds).toBe('7200');
      const { first } = await seq.updateStack(s.world.driver, s.ids['store-1'], withoutStop);
      expect(first.status).toBe('SUCCESS');
      await until(async () => orchestratorNow() > (await record()).ingestionStop!.dueAt! + 2_000, 120_000);
    } finally {
      stop();
    }
    expect(await recordsOf(s)).toHaveLength(1);
    expect((await record()).ingestionStop).toMatchObject({ state: 'CANCELLED', message: expect.stringContaining('turned off by an Update') });
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    expect(created()).toHaveLength(1);
  });

  test('data events stopped arriving while management events still do: Lake keeps ingesting', async () => {
    s = await startMigrationScenario({ 'store-1': WITH_DATA }, STOP, { logs: { autoAdvance: 1 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      // Data events delivered once, just after the resource's creation: the cutover; by the stop, not recent.
      s.world.logs.addLogEvents(DATA_EVENTS, [{ timestamp: orchestratorNow() }]);
      await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
      await until(async () => orchestratorNow() > (await record()).ingestionStop!.dueAt! + 5_000, 60_000);
      expect(s.cloudTrail.stoppedIngestion).toEqual([]);
      expect((await record()).ingestionStop?.state).toBe('PENDING');
      expect(s.world.logLines.join('\n')).toContain(`not stopping Lake ingestion yet: no ongoing event in ${DATA_EVENTS}`);
      // Data events arrive again: now it stops.
      s.world.logs.addLogEvents(DATA_EVENTS, [{ timestamp: Date.now() }]);
      await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 30_000);
      expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
    } finally {
      stop();
    }
  });

  test('a store PENDING_DELETION at the stop: not recorded as stopped, the message says to check it', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, STOP, { logs: { autoAdvance: 1 } });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).state === 'COMPLETED', 60_000);
      s.cloudTrail.addStore({ arn: storeArn('store-1'), retentionPeriod: 3653, status: 'PENDING_DELETION' });
      await until(async () => (await record()).ingestionStop?.state !== 'PENDING', 60_000);
    } finally {
      stop();
    }
    expect((await record()).ingestionStop).toMatchObject({ state: 'FAILED', message: expect.stringContaining('the store is PENDING_DELETION') });
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
  });

  test('the stop turned off, then on again by a rollback during the parallel run: Lake ingestion is stopped once', async () => {
    // The execution sleeps through the parallel run (2 s a sleep here), as deployed: the rollback finds it waiting.
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { stopLakeIngestion: true, parallelRun: Duration.hours(2) },
      { logs: { autoAdvance: 1 }, dynamicWaitMs: 2_000 });
    const stop = deliverContinuously(MANAGEMENT_EVENTS);
    try {
      await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
      await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
      const withStop = s.props('store-1');
      const { StopIngestionAfterSeconds, ...withoutStop } = withStop as Record<string, unknown>;
      expect(StopIngestionAfterSeconds).toBe('7200');
      expect((await seq.updateStack(s.world.driver, s.ids['store-1'], withoutStop)).first.status).toBe('SUCCESS');
      expect((await record()).ingestionStop?.state).toBe('CANCELLED');
      // CloudFormation rolls the Update back: the old properties, stop on.
      expect((await seq.updateStack(s.world.driver, s.ids['store-1'], withStop)).first.status).toBe('SUCCESS');
      expect((await record()).ingestionStop?.state).toBe('PENDING');
      await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 60_000);
    } finally {
      stop();
    }
    expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
    expect(await recordsOf(s)).toHaveLength(1);
  });

  test('the stop turned on after the execution has ended: the Update fails, saying how to stop by hand', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, {}, { logs: { autoAdvance: 1 } });
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }]);
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    await until(async () => (await record()).state === 'COMPLETED', 60_000);
    await s.world.idle(30_000);
    const { first } = await seq.updateStack(s.world.driver, s.ids['store-1'], s.props('store-1', { StopIngestionAfterSeconds: '86400' }));
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toMatch(/cannot be carried out: the import ended COMPLETED and its execution has ended\. Stop Lake ingestion by hand \(`aws cloudtrail stop-event-data-store-ingestion/);
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
  });
});
