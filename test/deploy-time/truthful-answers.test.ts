/**
 * Issue 17, items 9, 8 and 6, replayed on the bundled function and the synthesized definition: the
 * ledger records what the service says, a refusal at the import limit queues again, and a rollback
 * is always answered SUCCESS (saying what was not done).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  endScenario, LOG_GROUP, MANAGEMENT_EVENTS, MANAGEMENT_SELECTORS, recordsOf, ScenarioWorld,
  startMigrationScenario, startScenario, storeArn, until, Y2025,
} from './scenario-world';
import { Ledger } from '../../src/ledger/ledger';
import { LIMIT_REQUEUES } from '../../src/orchestrator/steps';
import * as seq from '../cloudformation-driver/sequences';

jest.setTimeout(60_000);

let s: ScenarioWorld;
afterEach(async () => endScenario(s));

function created() {
  return s.world.logs.createdImports();
}

describe('9. the ledger records what the service says', () => {
  test.each(['COMPLETED', 'FAILED'] as const)(
    'a DESTROY Delete of an import that ended %s before any poll saw it records it as it ended, not CANCELLED', async (ending) => {
      s = await startScenario({ Import: { timeRange: Y2025, removalPolicy: RemovalPolicy.DESTROY } }, { logs: { autoAdvance: 0 } });
      await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
      await until(async () => (await recordsOf(s))[0]?.state === 'STARTED');
      const [ours] = created();
      // It ends just as the Delete asks to cancel it: CancelImportTask is refused, the import is no longer active.
      s.world.logs.beforeProcessing = (operation) => {
        if (operation !== 'CancelImportTask' || ours.importStatus !== 'IN_PROGRESS') return;
        if (ending === 'COMPLETED') s.world.logs.completeImport(ours.importId);
        else s.world.logs.failImport(ours.importId, 'the role cannot read the store');
      };
      const [deleted] = await seq.deleteStack(s.world.driver);
      await s.world.idle();
      const [record] = await recordsOf(s);
      expect(deleted.status).toBe('SUCCESS');
      expect(deleted.response?.Reason).toContain(`import ${ours.importId} had ended ${ending} before the Delete (nothing to cancel)`);
      expect(s.world.logs.calls.filter((c) => c.operation === 'CancelImportTask').map((c) => c.error)).toEqual(['InvalidOperationException']);
      expect(s.world.logs.cancelledImportIds()).toEqual([]);
      expect(ours.importStatus).toBe(ending);
      expect(record).toMatchObject({ state: ending, importStatus: ending, importId: ours.importId });
      expect(record.retiredAt).toBeDefined();
      if (ending === 'COMPLETED') expect(record.errorMessage).toBeUndefined();
      else expect(record.errorMessage).toContain('the role cannot read the store');
      // DESTROY, and the record alone wrote to the log group: it goes, as before.
      expect(s.world.logs.deletedLogGroups()).toEqual([LOG_GROUP]);
      expect(created()).toHaveLength(1);
    });
});

describe('8. a refusal at the 3-import limit while fewer are listed queues again', () => {
  const LIMIT_ERRORS = ['InvalidOperationException', 'ThrottlingException', 'LimitExceededException'];

  function createCalls() {
    return s.world.logs.calls.filter((c) => c.operation === 'CreateImportTask');
  }

  test.each(LIMIT_ERRORS)('answered %s twice (a cancelled import still holds its slot): queued again, then imported once', async (limitError) => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } }, { logs: { autoAdvance: 1, limitError } });
    s.world.logs.refuseAtLimitNext(2);
    const { first } = await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    const [record] = await recordsOf(s);
    expect(createCalls().map((c) => c.error)).toEqual([limitError, limitError, undefined]);
    expect(created()).toHaveLength(1);
    expect(record).toMatchObject({ state: 'COMPLETED', importId: created()[0].importId, limitRefusals: 2 });
    expect(record.errorMessage).toBeUndefined();
    expect(first.status).toBe('SUCCESS');
    expect(s.world.logs.cancelledImportIds()).toEqual([]);
  });

  test.each(LIMIT_ERRORS)(`answered %s ${LIMIT_REQUEUES + 1} times: FAILED with a message naming the limit, nothing created, the slot given back`, async (limitError) => {
    s = await startScenario({ Import: { timeRange: Y2025, waitForCompletion: true } }, { logs: { autoAdvance: 1, limitError } });
    s.world.logs.refuseAtLimitNext(LIMIT_REQUEUES + 1);
    const { first } = await seq.createStack(s.world.driver, s.ids.Import, s.props('Import'));
    await s.world.idle();
    const records = await recordsOf(s);
    expect(createCalls()).toHaveLength(LIMIT_REQUEUES + 1);
    expect(createCalls().every((c) => c.error === limitError)).toBe(true);
    expect(created()).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ state: 'FAILED', limitRefusals: LIMIT_REQUEUES + 1 });
    expect(records[0].errorMessage).toContain(`refused at the account's limit of 3 active imports ${LIMIT_REQUEUES + 1} times`);
    expect(first.status).toBe('FAILED');
    expect(first.response?.Reason).toContain('limit of 3 active imports');
    const client = s.world.dynamodb.client();
    expect((await new Ledger(client, String(s.props('Import').LedgerTableName)).slots()).holders).toEqual({});
    client.destroy();
  });
});

describe('6. a rollback Update is always answered SUCCESS, saying what was not done', () => {
  test('the Lake stop turned off by an Update, then back on by its rollback after the execution has ended: SUCCESS, not UPDATE_ROLLBACK_FAILED', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { stopLakeIngestion: true, parallelRun: Duration.hours(2) },
      { logs: { autoAdvance: 1 }, dynamicWaitMs: 500 });
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() - 40 * 60_000 }]);
    const d = s.world.driver;
    const id = s.ids['store-1'];
    await seq.createStack(d, id, s.props('store-1'));
    await until(async () => (await recordsOf(s))[0]?.ingestionStop?.dueAt !== undefined, 60_000);
    const withStop = s.props('store-1');
    const { StopIngestionAfterSeconds: _on, ...withoutStop } = withStop;
    // The Update turns the stop off; another resource of the stack fails only after the parallel run ended,
    // when the record's execution has ended too.
    d.setStackStatus('UPDATE_IN_PROGRESS');
    const forward = await d.request(d.event('Update', id, withoutStop, { physicalResourceId: d.physicalId(id), oldProperties: withStop }));
    expect(forward.status).toBe('SUCCESS');
    await s.world.idle(30_000);
    expect(s.world.stepFunctions.executions.every((e) => e.status !== 'RUNNING')).toBe(true);
    d.setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = await d.request(d.event('Update', id, withStop, { physicalResourceId: d.physicalId(id), oldProperties: withoutStop }));
    await s.world.idle();
    const records = await recordsOf(s);
    expect(rollback.status).toBe('SUCCESS');
    expect(rollback.response?.PhysicalResourceId).toBe(forward.response?.PhysicalResourceId);
    expect(rollback.response?.Reason).toContain('Rolled back, but not everything was done');
    expect(rollback.response?.Reason).toContain('its execution has ended');
    expect(rollback.response?.Reason).toContain(`aws cloudtrail stop-event-data-store-ingestion --event-data-store ${storeArn('store-1')}`);
    expect(rollback.response?.Data).toMatchObject({ ImportId: created()[0].importId });
    // Nothing else happened: one import, COMPLETED; Lake ingestion not stopped; the stop recorded as turned off.
    expect(created()).toHaveLength(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ state: 'COMPLETED', ingestionStop: { state: 'CANCELLED' } });
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    expect(s.world.logs.cancelledImportIds()).toEqual([]);
    expect(s.world.logs.deletedLogGroups()).toEqual([]);
  });

  test('the same Update forward (no rollback) is still refused FAILED, changing nothing', async () => {
    s = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, {}, { logs: { autoAdvance: 1 } });
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() - 40 * 60_000 }]);
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    await until(async () => (await recordsOf(s))[0]?.state === 'COMPLETED', 60_000);
    await s.world.idle(30_000);
    const { first, rollback } = await seq.updateStack(s.world.driver, s.ids['store-1'], s.props('store-1', { StopIngestionAfterSeconds: '86400', RemovalPolicy: 'destroy' }));
    const [record] = await recordsOf(s);
    expect(first.status).toBe('FAILED');
    expect(rollback?.status).toBe('SUCCESS');
    expect(record.ingestionStop).toBeUndefined();
    expect(record.removalPolicy).toBe('retain');
  });
});
