/**
 * Issue 17, items 9, 8 and 6, replayed on the bundled function and the synthesized definition: the
 * ledger records what the service says, a refusal at the import limit queues again, and a rollback
 * is always answered SUCCESS (saying what was not done).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { endScenario, LOG_GROUP, recordsOf, ScenarioWorld, startScenario, until, Y2025 } from './scenario-world';
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
