/**
 * What deleting a custom resource does to the record it owns: withdraw what has not started,
 * cancel what runs when asked, and delete the log group only when this record alone wrote to it.
 */
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { CancelOutcome, cancelImport, deleteLogGroup, failureMessages, listImports, logGroupNameOf, subjectOf } from './imports';
import { Runtime } from './runtime';
import { releaseSlot } from './slots';
import { Ledger } from '../ledger/ledger';
import { OwnerRecord, PendingDelete } from '../ledger/record';
import { classifyError, withRetries } from '../shared/aws-errors';

export type RetireOutcome =
  | { readonly done: true; readonly said: string }
  /** CreateImportTask's outcome is not known yet: the record's execution finishes the delete. */
  | { readonly done: false };

export async function retire(rt: Runtime, ledger: Ledger, record: OwnerRecord, intent: PendingDelete): Promise<RetireOutcome> {
  const now = rt.now();
  switch (record.state) {
    case 'SCHEDULED': {
      const withdrawn = await ledger.update(record, { state: 'WITHDRAWN', retiredAt: now, errorMessage: 'withdrawn before it started: nothing was imported', ...noIngestionStop(record) }, ['SCHEDULED']);
      if (!withdrawn) return retire(rt, ledger, (await ledger.get(record))!, intent);
      await stopExecution(rt, ledger, record);
      await releaseSlot(ledger, record);
      return { done: true, said: 'the import had not started; it is withdrawn and nothing was imported' };
    }
    case 'CREATING':
    case 'UNCERTAIN': {
      const deferred = await ledger.update(record, { pendingDelete: intent }, ['CREATING', 'UNCERTAIN']);
      if (!deferred) return retire(rt, ledger, (await ledger.get(record))!, intent);
      return { done: false };
    }
    case 'STARTED': {
      if (!intent.cancel) {
        await ledger.update(record, { retiredAt: now, pendingDelete: undefined });
        return { done: true, said: `import ${record.importId} goes on (RemovalPolicy.RETAIN); its log group and data stay` };
      }
      // Stop the watcher first, so that nothing acts on the record while it is cancelled.
      await stopExecution(rt, ledger, record);
      const cancel = await cancelImport(rt, record, record.importId!);
      await ledger.update(record, { ...await endStateAfterCancel(rt, record, cancel), retiredAt: now, pendingDelete: undefined, ...noIngestionStop(record) }, ['STARTED']);
      await releaseSlot(ledger, record);
      const data = intent.deleteData ? await deleteDataIfSoleWriter(rt, ledger, record) : 'its imported data stays';
      const what = cancel.status === 'CANCELLED' ? 'is cancelled' : `had ended ${cancel.status} before the Delete (nothing to cancel)`;
      return { done: true, said: `import ${record.importId} ${what}; ${data}` };
    }
    default: {
      // A record that ended on an orchestrator failure may leave its import running: cancel it if asked.
      if (intent.cancel && record.importId) await cancelImport(rt, record, record.importId);
      const stop = record.ingestionStop?.state === 'PENDING' ? await cancelIngestionStop(rt, ledger, record) : undefined;
      await ledger.update(record, { retiredAt: now, pendingDelete: undefined, ...(stop ? { ingestionStop: stop } : {}) });
      const data = intent.deleteData ? await deleteDataIfSoleWriter(rt, ledger, record) : 'its data stays';
      return { done: true, said: record.importId ? `import ${record.importId} had ended ${record.state}; ${data}` : 'nothing was imported' };
    }
  }
}

/** What the ledger records for a running import once a Delete asked to cancel it: what the service says it is. */
async function endStateAfterCancel(rt: Runtime, record: OwnerRecord, cancel: CancelOutcome): Promise<Partial<OwnerRecord>> {
  const bytes = cancel.bytesImported !== undefined ? { bytesImported: cancel.bytesImported } : {};
  switch (cancel.status) {
    case 'CANCELLED': return { state: 'CANCELLED', importStatus: 'CANCELLED', ...bytes, errorMessage: 'cancelled when CloudFormation deleted the resource' };
    case 'COMPLETED': return { state: 'COMPLETED', importStatus: 'COMPLETED', ...bytes, errorMessage: undefined };
    default: return { state: 'FAILED', importStatus: 'FAILED', ...bytes, errorMessage: await failureMessages(rt, record, cancel.ended!) };
  }
}

/**
 * Deletes the destination log group only if no import outside this record (in any status:
 * cancelled and failed ones wrote data too) and no other live record writes or wrote to it.
 */
async function deleteDataIfSoleWriter(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<string> {
  if (!record.importId || !record.destinationArn) return 'nothing was imported';
  const logGroup = logGroupNameOf(record.destinationArn);
  const records = await ledger.allRecords();
  // The imports of this resource's earlier records (replaced, and deleted under DESTROY too) are
  // this stack's own data; any other import, of any status, is someone else's.
  const ours = new Set(records.filter((r) => r.pk === record.pk && r.removalPolicy === 'destroy' && r.retiredAt && r.importId).map((r) => r.importId));
  const others = (await listImports(rt, record, { importSourceArn: record.sourceArn }))
    .filter((i) => i.importId !== record.importId && !ours.has(i.importId));
  if (others.length > 0) {
    return `log group ${logGroup} stays: other imports wrote to it too (${others.map((i) => `${i.importId} ${i.importStatus}`).join(', ')})`;
  }
  const sharers = records.filter((r) => r.sk !== record.sk && r.sourceArn === record.sourceArn && !r.retiredAt && r.state !== 'WITHDRAWN');
  if (sharers.length > 0) {
    return `log group ${logGroup} stays: ${sharers.map((r) => r.logicalResourceId).join(', ')} of this stack import the same store into it`;
  }
  await deleteLogGroup(rt, record, logGroup);
  return `log group ${logGroup} is deleted (RemovalPolicy.DESTROY)`;
}

/** The record's pending stop of Lake ingestion, cancelled (nothing when there is none). */
function noIngestionStop(record: OwnerRecord): Partial<Pick<OwnerRecord, 'ingestionStop'>> {
  if (record.ingestionStop?.state !== 'PENDING') return {};
  return { ingestionStop: { ...record.ingestionStop, state: 'CANCELLED', message: 'the resource was deleted before its import completed: Lake ingestion keeps running' } };
}

/** A stop of Lake ingestion still waiting for its parallel run is not carried out for a resource that is gone. */
async function cancelIngestionStop(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<OwnerRecord['ingestionStop']> {
  await stopExecution(rt, ledger, record);
  // The stop step may have finished in the meantime: what it recorded stands.
  const current = (await ledger.get(record))!;
  if (current.ingestionStop?.state !== 'PENDING') return current.ingestionStop;
  return { ...current.ingestionStop, state: 'CANCELLED', message: 'the resource was deleted before the parallel run ended: Lake ingestion keeps running' };
}

/** Stops the record's current execution; one that has just handed over is followed to its successor. */
async function stopExecution(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<void> {
  let executionArn = record.executionArn;
  const stopped = new Set<string>();
  while (executionArn && !stopped.has(executionArn)) {
    await stopOne(rt, record, executionArn);
    stopped.add(executionArn);
    executionArn = (await ledger.get(record))?.executionArn;
  }
}

async function stopOne(rt: Runtime, record: OwnerRecord, executionArn: string): Promise<void> {
  try {
    await withRetries(rt, { subject: subjectOf(record), call: 'StopExecution' }, () =>
      rt.sfn.send(new StopExecutionCommand({ executionArn, cause: 'CloudFormation deleted the import resource' })));
  } catch (error) {
    // An execution that has ended already cannot be stopped, and needs not be.
    if (classifyError(error) !== 'not-found' && !/ExecutionDoesNotExist|already|not running/i.test(String(error))) throw error;
  }
}
