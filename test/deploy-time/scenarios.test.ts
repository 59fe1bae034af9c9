/**
 * The numbered scenarios of the redesign (issue 9) and CloudFormation's sequences, replayed against
 * what ships: the bundled orchestrator function, the synthesized state machine on
 * aws-local-stepfunctions, the ledger on dynalite, CloudWatch Logs on its stand-in. Each test asserts
 * the final state: imports created and cancelled, log groups deleted, what CloudFormation was told.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { endScenario, H1_2026, LOG_GROUP, recordsOf, ScenarioWorld, sleep, startScenario, storeArn, until, Y2025 } from './scenario-world';
import { OwnerRecord } from '../../src/ledger/record';
import * as seq from '../cloudformation-driver/sequences';

jest.setTimeout(60_000);

const WINDOW_2025 = { startEventTime: Date.UTC(2025, 0, 1), endEventTime: Date.UTC(2026, 0, 1) - 1 };

let s: ScenarioWorld;
afterEach(async () => endScenario(s));

async function records(): Promise<OwnerRecord[]> {
  return recordsOf(s);
}

function created() {
  return s.world.logs.createdImports();
}

describe('the numbered scenarios', () => {
  test('1. wait mode: an import that FAILS is reported with its batches\' messages and never started again', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } }, { logs: { failAtBatch: 2 } });
    const { first, delete: deleted } = await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toMatch(/ended FAILED.*Failed batches: batch .*/);
    expect(first.response?.Reason).toContain('Nothing is started again by itself');
    expect(created()).toHaveLength(1);
    expect(deleted?.status).toBe('SUCCESS');
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
  });

  test('1b. wait mode: an import a person cancels is reported CANCELLED, not restarted', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } }, { logs: { autoAdvance: 0 } });
    const run = seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    created()[0].importStatus = 'CANCELLED';
    const { first } = await run;
    await s.world.idle();
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toContain('ended CANCELLED');
    expect(created()).toHaveLength(1);
  });

  test('2. a rolled-back replacement under DESTROY keeps the old import and deletes no data', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY } }, { logs: { autoAdvance: 0 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const [old] = created();
    const next = s.props('Import', H1_2026);
    const { first, delete: deleted } = await seq.replacementThenOtherResourceFails(s.world.driver, s.ids.Import, next);
    // The old import goes on (its execution watches it): wait for the replacement's record only.
    await until(async () => (await records()).some((r) => r.sk === first.response?.PhysicalResourceId && ['WITHDRAWN', 'CANCELLED'].includes(r.state)));
    expect(first.status).toBe('SUCCESS');
    expect(deleted?.status).toBe('SUCCESS');
    expect(old.importStatus).toBe('IN_PROGRESS');
    expect(s.world.logs.cancelledImportIds()).not.toContain(old.importId);
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
    expect(s.world.logs.logGroupExists(LOG_GROUP)).toBe(true);
    // The replacement either never started (withdrawn) or was cancelled: nothing of it runs on.
    expect(created().filter((i) => i.importStatus === 'IN_PROGRESS').map((i) => i.importId)).toEqual([old.importId]);
  });

  test('3. another stack\'s import of the same store and window is never adopted; our DESTROY keeps its data', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY } }, { logs: { autoAdvance: 0 } });
    const theirs = s.world.logs.addImport({ importSourceArn: storeArn(), importFilter: WINDOW_2025 });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const [ours] = created();
    expect(ours.importId).not.toBe(theirs.importId);
    await seq.deleteStack(s.world.driver);
    await s.world.idle();
    expect(s.world.logs.cancelledImportIds()).toEqual([ours.importId]);
    expect(theirs.importStatus).toBe('IN_PROGRESS');
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
  });

  test('4. an import without a time range never takes a windowed import of the store for its own', async () => {
    s = await startScenario({ Whole: {} }, { logs: { autoAdvance: 0 } });
    const windowed = { startEventTime: Date.UTC(2025, 0, 1), endEventTime: Date.UTC(2025, 5, 1) };
    s.world.logs.addImport({ importSourceArn: storeArn(), importFilter: windowed });
    // Its CreateImportTask answer is lost: only an unfiltered import that appeared since may be adopted.
    s.world.logs.dropAfterProcessingNext(1, 'CreateImportTask');
    await seq.createStack(s.world.driver, s.ids.Whole, s.props('Whole'));
    await until(async () => (await records())[0]?.state === 'STARTED');
    const [record] = await records();
    expect(created()).toHaveLength(1);
    expect(created()[0].importFilter).toBeUndefined();
    expect(record.importId).toBe(created()[0].importId);
  });

  test('5. a forward Update rejected by the function is rolled back onto the old import: nothing imported twice', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    expect(created().map((i) => i.importStatus)).toEqual(['COMPLETED']);
    const bad = s.props('Import', { StartEventTime: String(Date.UTC(2026, 0, 1)), EndEventTime: String(Date.UTC(2025, 0, 1)) });
    const { first, rollback } = await seq.updateStack(s.world.driver, s.ids.Import, bad);
    await s.world.idle();
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toContain('must not be after EndEventTime');
    expect(rollback?.status).toBe('SUCCESS');
    expect(rollback?.response?.PhysicalResourceId).toBe(first.event.PhysicalResourceId);
    expect(created()).toHaveLength(1);
  });

  test('6. CloudFormation stops waiting for a Create (another resource failed): the Delete with an invented ID stops what it started', async () => {
    const declared = { timeRange: Y2025, waitForCompletion: true, removalPolicy: RemovalPolicy.DESTROY };
    s = await startScenario({ Import: declared }, { logs: { autoAdvance: 0 } });
    const { delete: deleted } = await seq.otherResourceFailsDuringCreate(s.world.driver, s.ids.Import, s.props('Import'), () => until(() => created().length === 1));
    await s.world.idle();
    expect(deleted?.event.PhysicalResourceId).not.toMatch(/^import-/);
    expect(deleted?.status).toBe('SUCCESS');
    expect(s.world.logs.cancelledImportIds()).toEqual([created()[0].importId]);
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
    expect(s.world.stepFunctions.running()).toEqual([]);
    expect(created()).toHaveLength(1);
  });

  test('6b. ... and an import still queued when CloudFormation gives up is never started, even once slots free', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } }, { logs: { autoAdvance: 0 } });
    const foreign = [1, 2, 3].map(() => s.world.logs.addImport({ importSourceArn: storeArn('elsewhere') }));
    const { delete: deleted } = await seq.otherResourceFailsDuringCreate(s.world.driver, s.ids.Import, s.props('Import'),
      () => until(() => s.world.logs.calls.filter((c) => c.operation === 'DescribeImportTasks').length >= 3));
    foreign.forEach((i) => s.world.logs.completeImport(i.importId));
    await s.world.idle();
    expect(deleted?.status).toBe('SUCCESS');
    expect(created()).toEqual([]);
    expect((await records()).map((r) => r.state)).toEqual(['WITHDRAWN']);
  });

  test('7. StartExecution refused (IAM still propagating): the Create fails, nothing is created, the Delete is a no-op', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } });
    s.world.stepFunctions.refuseNext(100, 'StartExecution');
    const { first, delete: deleted } = await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toContain('StartExecution failed');
    expect(deleted?.status).toBe('SUCCESS');
    expect(created()).toEqual([]);
    expect((await records()).map((r) => r.state)).toEqual(['WITHDRAWN']);
  });

  test('8. a role-only change keeps a finished import', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    const { first } = await seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', { ImportRoleArn: 'arn:aws:iam::111122223333:role/another' }));
    await s.world.idle();
    expect(first.status).toBe('SUCCESS');
    expect(first.response?.PhysicalResourceId).toBe(first.event.PhysicalResourceId);
    expect(created()).toHaveLength(1);
  });

  test('9. a lost CreateImportTask answer and a listing that lags: one import, adopted once it shows', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { listingLagMs: 60, autoAdvance: 0 } });
    s.world.logs.dropAfterProcessingNext(1, 'CreateImportTask');
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(async () => (await records())[0]?.state === 'STARTED');
    expect(created()).toHaveLength(1);
    expect((await records())[0].importId).toBe(created()[0].importId);
    expect(s.world.logs.callCount('CreateImportTask')).toBe(1);
  });

  test('10. a settings-only Update to waitForCompletion: true waits for the import to complete', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 0 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const update = seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', { WaitForCompletion: 'true', TimeoutSeconds: '3000' }));
    await sleep(300);
    expect(s.world.driver.responsesTo(s.world.driver.events[s.world.driver.events.length - 1].RequestId)).toEqual([]);
    s.world.logs.completeImport(created()[0].importId);
    const { first } = await update;
    expect(first.status).toBe('SUCCESS');
    expect(first.response?.Data).toMatchObject({ ImportId: created()[0].importId });
    expect(created()).toHaveLength(1);
  });

  test('11. forty imports in one stack deploy at once and drain 3 at a time, one CreateImportTask each', async () => {
    const imports = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Store${i}`, { store: `store-${i}`, timeRange: Y2025 }]));
    s = await startScenario(imports, { logs: { autoAdvance: 1 } });
    const outcomes = await Promise.all(Object.keys(imports).map((id) => seq.createStack(s.world.driver, s.ids[id], s.props(id))));
    expect(outcomes.map((o) => o.first.status)).toEqual(Array(40).fill('SUCCESS'));
    await s.world.idle(120_000);
    expect(created()).toHaveLength(40);
    expect(s.world.logs.callCount('CreateImportTask')).toBe(40);
    expect(s.world.logs.calls.filter((c) => c.operation === 'CreateImportTask' && c.error)).toEqual([]);
    expect(created().every((i) => i.importStatus === 'COMPLETED')).toBe(true);
    // CPU-bound (40 Creates, executions and imports in one process): 26 s alone on 2 idle cores, over
    // the file's 60 s beside another jest worker on a loaded machine. Its own idle() allows 120 s.
  }, 240_000);
});

describe('the deploy-time retention check, and the news of the end', () => {
  test('on Create, a window the store no longer keeps fails with the retention, and nothing is created', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { retentionDays: 30 });
    const { first, delete: deleted } = await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toMatch(/starts at 2025-01-01T00:00:00.000Z, but the store keeps 30 days/);
    expect(deleted?.status).toBe('SUCCESS');
    expect(created()).toEqual([]);
  });

  test('an Update or a Delete of an existing import never fails on the retention', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    s.cloudTrail.addStore({ arn: storeArn(), retentionPeriod: 1 });
    const { first } = await seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', { RemovalPolicy: 'destroy' }));
    expect(first.status).toBe('SUCCESS');
    const [deleted] = await seq.deleteStack(s.world.driver);
    expect(deleted.status).toBe('SUCCESS');
    expect(s.cloudTrail.calls.map((c) => c.operation)).toEqual(['GetEventDataStore']);
  });

  test('an import that ends after the deploy is an EventBridge event with the store, window, bytes and messages', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { failAtBatch: 3 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    const [event] = s.world.integrations.events;
    expect(event).toMatchObject({ Source: 'cdk-eventdatastore-import', DetailType: 'Event Data Store Import Failed' });
    expect(event.Detail).toMatchObject({
      eventDataStoreArn: storeArn(),
      status: 'FAILED',
      window: WINDOW_2025,
      importId: created()[0].importId,
      errorMessage: expect.stringContaining('Failed batches'),
    });
  });
});

describe('CloudFormation\'s sequences', () => {
  test.each(['concurrently', 'after-response'] as const)('a Create delivered twice (%s) makes one import', async (when) => {
    s = await startScenario({ Import: { timeRange: Y2025 } });
    const { first } = await seq.redeliveredCreate(s.world.driver, s.ids.Import, s.props('Import'), when);
    await s.world.idle();
    expect(first.status).toBe('SUCCESS');
    expect(created()).toHaveLength(1);
    expect(s.world.stepFunctions.executions).toHaveLength(1);
  });

  test('a Create whose answer is lost: the Delete with an invented ID cancels the import CloudFormation never knew', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 0 } });
    const { delete: deleted } = await seq.lostCreateResponse(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    expect(deleted?.status).toBe('SUCCESS');
    const running = created().filter((i) => i.importStatus === 'IN_PROGRESS');
    expect(running).toEqual([]);
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
  });

  test('a replacement, then the cleanup Delete of the old ID under DESTROY: the old import is cancelled, the shared log group kept', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY } }, { logs: { autoAdvance: 0 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const [old] = created();
    const { first, delete: cleanup } = await seq.replacement(s.world.driver, s.ids.Import, s.props('Import', H1_2026));
    expect(first.response?.PhysicalResourceId).not.toBe(first.event.PhysicalResourceId);
    expect(cleanup?.status).toBe('SUCCESS');
    await until(() => created().length === 2);
    expect(s.world.logs.cancelledImportIds()).toEqual([old.importId]);
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
  });

  test('stack deletion under DESTROY, sole writer: cancels and deletes the log group', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    const [outcome] = await seq.deleteStack(s.world.driver);
    expect(outcome.status).toBe('SUCCESS');
    expect(s.world.logs.deletedLogGroups()).toEqual([LOG_GROUP]);
  });

  test('stack deletion under RETAIN touches nothing that started', async () => {
    s = await startScenario({ Import: { timeRange: Y2025 } }, { logs: { autoAdvance: 0 } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await until(() => created().length === 1);
    const [outcome] = await seq.deleteStack(s.world.driver);
    expect(outcome.status).toBe('SUCCESS');
    expect(s.world.logs.cancelledImportIds()).toEqual([]);
    expect(created()[0].importStatus).toBe('IN_PROGRESS');
  });

  test('a FAILED Update carrying the new ID (a wait-mode replacement that fails) is deleted on rollback, the old import kept', async () => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true, completionTimeout: Duration.minutes(10) } });
    await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    s.world.logs.options.failAtBatch = 1;
    const { first, delete: deleted } = await seq.updateStack(s.world.driver, s.ids.Import, s.props('Import', H1_2026));
    await s.world.idle();
    expect(first.status).toBe('FAILED');
    expect(first.response?.PhysicalResourceId).not.toBe(first.event.PhysicalResourceId);
    expect(deleted?.event.PhysicalResourceId).toBe(first.response?.PhysicalResourceId);
    expect(created().map((i) => i.importStatus)).toEqual(['COMPLETED', 'FAILED']);
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
  });
});
