/**
 * The steps of the orchestrator state machine. Each reads the owner record, makes one decision,
 * records it with a conditional write, and tells the state machine where to go next. A step run
 * twice (a retried Lambda invocation) finds the record moved on and says so: nothing is done twice.
 */
import { CreateImportTaskCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand } from '@aws-sdk/client-sns';
import { MAX_ACTIVE_IMPORTS } from './contract';
import { awaitCutover, stopDueAt, stopIngestionWhenDue } from './cutover';
import { handOver } from './generations';
import { activeImportIds, describeImport, failureMessages, listImports, logGroupNameOf, sendCreateImport, subjectOf } from './imports';
import { answer, answerDue } from './responses';
import { retire } from './retire';
import { Runtime } from './runtime';
import { acquireSlot, noteImportOnSlot, releaseSlot } from './slots';
import { Ledger, RecordKey } from '../ledger/ledger';
import { OwnerRecord, sameWindow } from '../ledger/record';
import { classifyError, describeFailure, errorMessage, errorName, isImportLimitRefusal, withRetries } from '../shared/aws-errors';

/** What the state machine passes to every step. */
export interface StepInput {
  readonly step: StepName;
  readonly table: string;
  readonly key: RecordKey;
  /** Present for `recordFailure`: what the Catch caught. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
  /** `handOver` only: the step the next generation starts at, this execution's name, and its state machine's ARN. */
  readonly resumeAt?: StepName;
  readonly execution?: string;
  readonly stateMachine?: string;
}

export type StepName = 'awaitCutover' | 'acquireSlot' | 'createImport' | 'settle' | 'watch' | 'finish' | 'stopIngestion' | 'recordFailure' | 'handOver';

/** Where the state machine goes next (see definition.ts). */
export type Outcome = 'CUTOVER_READY' | 'CUTOVER_PENDING' | 'STOP_PENDING' | 'ACQUIRED' | 'BUSY' | 'STARTED' | 'UNCERTAIN' | 'NOT_CREATED' | 'RETRY_SOON' | 'RETRY_LATER' | 'IN_PROGRESS' | 'ENDED' | 'HANDED_OVER';

export interface StepOutput {
  readonly outcome: Outcome;
}

/** What `finish` and `stopIngestion` hand to the notification states. */
export interface FinishOutput extends StepOutput {
  readonly notify: boolean;
  readonly detailType?: string;
  readonly detail?: Record<string, unknown>;
  /** `finish` only: when the stop of Lake ingestion is due (ISO 8601); absent: no stop to wait for. */
  readonly stopIngestionAt?: string;
}

/** CreateImportTask answered an IAM error this many times: the role is not just propagating. */
const PERMISSION_ATTEMPTS = 5;
/**
 * Refusals at the active-imports limit while the account lists a free slot (an import that just
 * ended, a cancelled one still holding its slot) queued again before the record fails.
 */
export const LIMIT_REQUEUES = 10;

export async function runStep(rt: Runtime, input: StepInput): Promise<StepOutput | FinishOutput> {
  const ledger = new Ledger(rt.dynamodb, input.table);
  const record = await ledger.get(input.key);
  if (!record) throw new Error(`no owner record ${input.key.sk} in ${input.table}`);
  switch (input.step) {
    case 'awaitCutover': return stepAwaitCutover(rt, ledger, record);
    case 'acquireSlot': return stepAcquireSlot(rt, ledger, record);
    case 'createImport': return stepCreateImport(rt, ledger, record);
    case 'settle': return stepSettle(rt, ledger, record);
    case 'watch': return stepWatch(rt, ledger, record);
    case 'finish': return stepFinish(rt, ledger, record);
    case 'stopIngestion': return stepStopIngestion(rt, ledger, record);
    case 'recordFailure': return stepRecordFailure(rt, ledger, record, input.error);
    case 'handOver': return stepHandOver(rt, ledger, record, input);
    default: throw new Error(`unknown step ${JSON.stringify(input.step)}`);
  }
}

/** Where a record that is not in the state a step expects goes (a retried step, or a resumed one). */
function resume(record: OwnerRecord): StepOutput {
  switch (record.state) {
    case 'SCHEDULED': return { outcome: 'NOT_CREATED' };
    case 'CREATING':
    case 'UNCERTAIN': return { outcome: 'UNCERTAIN' };
    case 'STARTED': return { outcome: 'STARTED' };
    default: return { outcome: 'ENDED' };
  }
}

/** A migration's import waits for the cutover before it queues for a slot: its window's end is measured. */
async function stepAwaitCutover(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<StepOutput> {
  if (record.state !== 'SCHEDULED') return resume(record);
  await answerDue(rt, ledger, record);
  return { outcome: await awaitCutover(rt, ledger, record) };
}

async function stepAcquireSlot(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<StepOutput> {
  if (record.state !== 'SCHEDULED') return resume(record);
  await answerDue(rt, ledger, record);
  return { outcome: await acquireSlot(rt, ledger, record) };
}

async function stepCreateImport(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<StepOutput> {
  if (record.state === 'CREATING') {
    // A retried invocation: the first may have sent CreateImportTask. Never send it blindly again.
    await ledger.update(record, { state: 'UNCERTAIN' }, ['CREATING']);
    return { outcome: 'UNCERTAIN' };
  }
  if (record.state !== 'SCHEDULED') return resume(record);
  const before = (await listImports(rt, record, { importSourceArn: record.sourceArn })).map((i) => i.importId!);
  const claimed = await ledger.update(record,
    { state: 'CREATING', preCreateImportIds: before, createSentAt: rt.now(), createAttempts: record.createAttempts + 1 }, ['SCHEDULED']);
  if (!claimed) return resume((await ledger.get(record))!);

  let created: CreateImportTaskCommandOutput;
  try {
    created = await sendCreateImport(rt, claimed);
  } catch (error) {
    return afterCreateError(rt, ledger, claimed, error);
  }
  await started(rt, ledger, claimed, created.importId!, created.importDestinationArn ?? '', created.creationTime ?? rt.now());
  return finishDeferredDelete(rt, ledger, record, { outcome: 'STARTED' });
}

/** The service answered with an error: nothing was created. Anything else (5xx, a timeout, a dropped connection) may have created it. */
function answeredWithError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

async function afterCreateError(rt: Runtime, ledger: Ledger, record: OwnerRecord, error: unknown): Promise<StepOutput> {
  rt.log(`${subjectOf(record)}: CreateImportTask answered ${errorName(error)} (${errorMessage(error)})`);
  if (!answeredWithError(error)) {
    await ledger.update(record, { state: 'UNCERTAIN' }, ['CREATING']);
    return finishDeferredDelete(rt, ledger, record, { outcome: 'UNCERTAIN' });
  }
  if (isImportLimitRefusal(error)) return afterLimitRefusal(rt, ledger, record, error);
  const kind = classifyError(error);
  // Which error the 3-import limit is answered with is unknown (FACTS.md): whatever it is, a full account queues.
  const slotsFull = kind !== 'not-found' && (await activeImportIds(rt, record)).length >= MAX_ACTIVE_IMPORTS;
  // Throttled, or the account's slots were taken by imports outside this stack: queue again, saying why.
  if (kind === 'transient' || slotsFull) return queueAgain(rt, ledger, record, error);
  if (kind === 'permissions' && record.createAttempts < PERMISSION_ATTEMPTS) {
    // New roles and policies take a while to work everywhere.
    await ledger.update(record, { state: 'SCHEDULED' }, ['CREATING']);
    return finishDeferredDelete(rt, ledger, record, { outcome: 'RETRY_SOON' });
  }
  const failure = describeFailure(error, { subject: subjectOf(record), call: 'CreateImportTask', roleArn: record.roleArn, sourceArn: record.sourceArn });
  await ledger.update(record, { state: 'FAILED', errorMessage: failure.message }, ['CREATING']);
  return finishDeferredDelete(rt, ledger, record, { outcome: 'ENDED' });
}

/**
 * Refused at the active-imports limit: nothing was created, so queueing again is safe. A full account
 * is waited for as long as it takes; a refusal while fewer than the limit are listed is queued again
 * a bounded number of times, then the record fails saying so.
 */
async function afterLimitRefusal(rt: Runtime, ledger: Ledger, record: OwnerRecord, error: unknown): Promise<StepOutput> {
  if ((await activeImportIds(rt, record)).length >= MAX_ACTIVE_IMPORTS) return queueAgain(rt, ledger, record, error);
  const refusals = (record.limitRefusals ?? 0) + 1;
  if (refusals <= LIMIT_REQUEUES) return queueAgain(rt, ledger, record, error, { limitRefusals: refusals });
  const message = `CreateImportTask was refused at the account's limit of ${MAX_ACTIVE_IMPORTS} active imports ${refusals} times ` +
    `although DescribeImportTasks listed fewer than ${MAX_ACTIVE_IMPORTS} IN_PROGRESS (last answer: ${errorName(error)}: ${errorMessage(error)}). ` +
    'Nothing was created. Ended or cancelled imports may hold their slot for a while: check `aws logs describe-import-tasks --import-status IN_PROGRESS`, ' +
    'then remove the resource and add it again to schedule the import anew.';
  await ledger.update(record, { state: 'FAILED', limitRefusals: refusals, errorMessage: message }, ['CREATING']);
  return finishDeferredDelete(rt, ledger, record, { outcome: 'ENDED' });
}

/** Back to waiting for a slot (its lease given back), saying why. */
async function queueAgain(rt: Runtime, ledger: Ledger, record: OwnerRecord, error: unknown, changes: Partial<OwnerRecord> = {}): Promise<StepOutput> {
  const why = `queued again at ${new Date(rt.now()).toISOString()}: CreateImportTask answered ${errorName(error)} (${errorMessage(error)})`;
  await ledger.update(record, { ...changes, state: 'SCHEDULED', errorMessage: why }, ['CREATING']);
  await releaseSlot(ledger, record);
  return finishDeferredDelete(rt, ledger, record, { outcome: 'RETRY_LATER' });
}

async function started(rt: Runtime, ledger: Ledger, record: OwnerRecord, importId: string, destinationArn: string, creationTime: number) {
  const actual = logGroupNameOf(destinationArn);
  const mismatch = actual && actual !== record.expectedLogGroupName ? actual : undefined;
  if (mismatch) {
    rt.log(`${subjectOf(record)}: import ${importId} writes to ${actual}, not ${record.expectedLogGroupName} as the API reference says: ` +
      'the construct\'s destinationLogGroup attributes name the wrong log group (recorded in the ledger)');
  }
  await ledger.update(record, {
    state: 'STARTED',
    importId,
    destinationArn,
    importCreationTime: creationTime,
    importStatus: 'IN_PROGRESS',
    bytesImported: 0,
    destinationMismatch: mismatch,
    errorMessage: undefined,
  }, ['CREATING', 'UNCERTAIN']);
  await noteImportOnSlot(ledger, record, importId);
  rt.log(`${subjectOf(record)}: import ${importId} started into ${destinationArn}`);
}

/**
 * CreateImportTask's outcome was not known. Adopt only an import that was not there before the
 * call, imports exactly this source and window, and no other record owns; after the settle period,
 * none means it was not created.
 */
async function stepSettle(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<StepOutput> {
  if (record.state !== 'UNCERTAIN') return resume(record);
  const before = new Set(record.preCreateImportIds ?? []);
  const ownedElsewhere = new Set((await ledger.allRecords()).filter((r) => r.sk !== record.sk && r.importId).map((r) => r.importId!));
  const candidates = (await listImports(rt, record, { importSourceArn: record.sourceArn })).filter((i) =>
    !before.has(i.importId!) && !ownedElsewhere.has(i.importId!) &&
    i.importSourceArn === record.sourceArn && sameWindow(record.window, i.importFilter));
  if (candidates.length === 1) {
    const [found] = candidates;
    rt.log(`${subjectOf(record)}: CreateImportTask's answer was lost; adopting import ${found.importId}, the one new import of this source and window`);
    await started(rt, ledger, record, found.importId!, found.importDestinationArn ?? '', found.creationTime ?? rt.now());
    return finishDeferredDelete(rt, ledger, record, { outcome: 'STARTED' });
  }
  if (candidates.length > 1) {
    const ids = candidates.map((i) => i.importId).join(', ');
    await ledger.update(record, {
      state: 'FAILED',
      errorMessage: `CreateImportTask's answer was lost and ${candidates.length} new imports of this source and window appeared: ${ids}. ` +
        'Not knowing which is this resource\'s, none is adopted; cancel the ones you do not want (`aws logs cancel-import-task --import-id <id>`).',
    }, ['UNCERTAIN']);
    return finishDeferredDelete(rt, ledger, record, { outcome: 'ENDED' });
  }
  if (rt.now() - (record.createSentAt ?? 0) < rt.settleMs) return { outcome: 'UNCERTAIN' };
  rt.log(`${subjectOf(record)}: no import appeared within ${Math.round(rt.settleMs / 1000)} s of the lost CreateImportTask: it was not created; trying again`);
  await ledger.update(record, { state: 'SCHEDULED' }, ['UNCERTAIN']);
  return finishDeferredDelete(rt, ledger, record, { outcome: 'NOT_CREATED' });
}

/** A Delete that came while CreateImportTask's outcome was unknown is carried out now that it is known. */
async function finishDeferredDelete(rt: Runtime, ledger: Ledger, key: RecordKey, next: StepOutput): Promise<StepOutput> {
  const record = (await ledger.get(key))!;
  if (!record.pendingDelete || record.state === 'CREATING' || record.state === 'UNCERTAIN') return next;
  const outcome = await retire(rt, ledger, record, record.pendingDelete);
  const request = Object.values(record.pendingResponses ?? {}).find((p) => p.requestType === 'Delete');
  if (request && outcome.done) {
    await answer(rt, request, { status: 'SUCCESS', reason: outcome.said });
    await ledger.removePendingResponse(record, request.requestId);
  }
  return resume((await ledger.get(key))!);
}

async function stepWatch(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<StepOutput> {
  if (record.state !== 'STARTED') return resume(record);
  const current = await describeImport(rt, record, record.importId!);
  if (!current) {
    // Just created imports may take a moment to be listed.
    if (rt.now() - (record.importCreationTime ?? 0) < rt.settleMs) return { outcome: 'IN_PROGRESS' };
    await ledger.update(record, { state: 'FAILED', errorMessage: `import ${record.importId} is not listed by DescribeImportTasks any more` }, ['STARTED']);
    return { outcome: 'ENDED' };
  }
  const progress = { importStatus: current.importStatus, bytesImported: current.importStatistics?.bytesImported ?? 0 };
  switch (current.importStatus) {
    case 'COMPLETED':
      await ledger.update(record, { ...progress, state: 'COMPLETED' }, ['STARTED']);
      return { outcome: 'ENDED' };
    case 'FAILED':
    case 'CANCELLED':
      await ledger.update(record, { ...progress, state: current.importStatus, errorMessage: await failureMessages(rt, record, current) }, ['STARTED']);
      return { outcome: 'ENDED' };
    default: {
      const updated = await ledger.update(record, progress, ['STARTED']);
      if (updated) await answerDue(rt, ledger, updated);
      return { outcome: 'IN_PROGRESS' };
    }
  }
}

/** The record has ended: free its slot, answer who waits, and say what happened. */
async function stepFinish(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<FinishOutput> {
  await releaseSlot(ledger, record);
  await answerDue(rt, ledger, record);
  if (record.state === 'WITHDRAWN') return { outcome: 'ENDED', notify: false };
  const stopIngestionAt = await scheduleIngestionStop(rt, ledger, record);
  const detail = {
    logicalResourceId: record.logicalResourceId,
    stackId: record.stackId,
    recordId: record.sk,
    eventDataStoreArn: record.sourceArn,
    window: record.window,
    importId: record.importId ?? null,
    status: record.state,
    bytesImported: record.bytesImported ?? 0,
    destinationLogGroupName: record.destinationArn ? logGroupNameOf(record.destinationArn) : record.expectedLogGroupName,
    destinationMismatch: record.destinationMismatch ?? null,
    errorMessage: record.errorMessage ?? null,
    cutoverTime: cutoverTimeOf(record),
    ingestionStopAt: stopIngestionAt ?? null,
  };
  const verdict = record.state === 'COMPLETED' ? 'completed' : record.state === 'CANCELLED' ? 'was cancelled' : 'failed';
  const message = `The import of ${record.sourceArn} (${record.logicalResourceId}) ${verdict}` +
    `${record.importId ? ` as ${record.importId}` : ''}, ${record.bytesImported ?? 0} bytes into ${detail.destinationLogGroupName}.` +
    `${record.errorMessage ? ` ${record.errorMessage}` : ''}${record.destinationMismatch ? ` Note: it wrote to ${record.destinationMismatch}, not ${record.expectedLogGroupName}.` : ''}`;
  if (record.notificationTopicArn) await tellTopic(rt, record, `CloudTrail Lake import ${verdict}: ${record.logicalResourceId}`, message);
  return {
    outcome: 'ENDED',
    notify: true,
    detailType: `Event Data Store Import ${record.state === 'COMPLETED' ? 'Completed' : record.state === 'CANCELLED' ? 'Cancelled' : 'Failed'}`,
    detail: { ...detail, message },
    stopIngestionAt,
  };
}

/** A completed import of a migration that stops Lake ingestion: when the stop is due. Otherwise the stop is settled now. */
async function scheduleIngestionStop(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<string | undefined> {
  const plan = record.ingestionStop;
  if (!plan || plan.state !== 'PENDING') return undefined;
  if (record.state !== 'COMPLETED' || record.retiredAt) {
    await stopIngestionWhenDue(rt, ledger, record);
    return undefined;
  }
  const dueAt = plan.dueAt ?? stopDueAt(rt, record, plan);
  if (plan.dueAt === undefined) await ledger.update(record, { ingestionStop: { ...plan, dueAt } });
  return new Date(dueAt).toISOString();
}

/** After the parallel run: stop the store's Lake ingestion, or say why not. */
async function stepStopIngestion(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<FinishOutput> {
  const result = await stopIngestionWhenDue(rt, ledger, record);
  if (result.outcome === 'STOP_PENDING' || !result.told) {
    // Before the parallel run's end (moved by an Update), sleep until it; after it, poll for recent events.
    const stopIngestionAt = result.dueAt !== undefined ? new Date(result.dueAt).toISOString() : undefined;
    return { outcome: result.outcome, notify: false, stopIngestionAt };
  }
  const { state, message } = result.told;
  const full = `CloudTrail Lake ingestion of ${record.sourceArn} (${record.logicalResourceId}): ${state}. ${message}`;
  if (record.notificationTopicArn) await tellTopic(rt, record, `CloudTrail Lake ingestion ${state.toLowerCase()}: ${record.logicalResourceId}`, full);
  return {
    outcome: 'ENDED',
    notify: true,
    detailType: state === 'STOPPED' ? 'Lake Ingestion Stopped' : 'Lake Ingestion Not Stopped',
    detail: {
      logicalResourceId: record.logicalResourceId,
      stackId: record.stackId,
      recordId: record.sk,
      eventDataStoreArn: record.sourceArn,
      importId: record.importId ?? null,
      ingestionStop: state,
      cutoverTime: cutoverTimeOf(record),
      message: full,
    },
  };
}

/** The cutover, for an event's detail (ISO 8601; null: none, or not measured). */
function cutoverTimeOf(record: OwnerRecord): string | null {
  return record.cutover?.cutoverTime !== undefined ? new Date(record.cutover.cutoverTime).toISOString() : null;
}

/** A topic that cannot be told must not fail an import that has ended: it is logged. */
async function tellTopic(rt: Runtime, record: OwnerRecord, subject: string, message: string): Promise<void> {
  try {
    await withRetries(rt, { subject: subjectOf(record), call: 'Publish' }, () =>
      rt.sns.send(new PublishCommand({ TopicArn: record.notificationTopicArn, Subject: subject.slice(0, 99), Message: message })));
  } catch (error) {
    rt.log(`${subjectOf(record)}: could not tell ${record.notificationTopicArn}: ${errorMessage(error)}`);
  }
}

/** The state machine caught an error it could not get past: say so in the record, free the slot, answer who waits. */
async function stepRecordFailure(rt: Runtime, ledger: Ledger, record: OwnerRecord, caught: StepInput['error']): Promise<StepOutput> {
  const cause = caught?.Cause ? `: ${caught.Cause}` : '';
  const running = record.state === 'STARTED' ? ` Import ${record.importId} may still be running: check \`npx cdk-eventdatastore-import status\`.` : '';
  await ledger.update(record, { state: 'FAILED', errorMessage: `the orchestrator stopped on ${caught?.Error ?? 'an error'}${cause}.${running}` }, ['SCHEDULED', 'CREATING', 'UNCERTAIN', 'STARTED']);
  if (record.ingestionStop?.state === 'PENDING') {
    // The stop cannot happen any more: after a completed import, the stop itself failed; before, the import did not complete.
    const stop = record.state === 'COMPLETED'
      ? { state: 'FAILED' as const, message: `the orchestrator stopped on ${caught?.Error ?? 'an error'}${cause}: Lake ingestion may still be running; check the store and stop it by hand if so (\`aws cloudtrail stop-event-data-store-ingestion --event-data-store ${record.sourceArn}\`)` }
      : { state: 'SKIPPED' as const, message: 'the import did not complete: Lake ingestion keeps running, so no history is lost' };
    await ledger.update(record, { ingestionStop: { ...record.ingestionStop, ...stop } });
  }
  await releaseSlot(ledger, record);
  await answerDue(rt, ledger, (await ledger.get(record))!);
  // A Delete waiting for this record is carried out and answered now: nobody else will.
  return finishDeferredDelete(rt, ledger, record, { outcome: 'ENDED' });
}


/** The execution has used its share of history: the record's next generation carries on (generations.ts). */
async function stepHandOver(rt: Runtime, ledger: Ledger, record: OwnerRecord, input: StepInput): Promise<StepOutput> {
  if (!input.execution || !input.stateMachine || !input.resumeAt) throw new Error('handOver needs execution, stateMachine and resumeAt');
  await handOver(rt, ledger, record, { stateMachineArn: input.stateMachine, executionName: input.execution, resumeAt: input.resumeAt });
  return { outcome: 'HANDED_OVER' };
}
