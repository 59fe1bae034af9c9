/**
 * CloudFormation's requests. The function is the custom resource's ServiceToken: it answers
 * CloudFormation itself, at once when it can, or leaves a pending response in the record for the
 * state machine to answer at the milestone.
 */
import { DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetEventDataStoreCommand } from '@aws-sdk/client-cloudtrail';
import { destinationLogGroupName, eventDataStoreIdOf } from './contract';
import { stopDueAt } from './cutover';
import { executionName, startNamedExecution } from './generations';
import { subjectOf } from './imports';
import { CloudFormationRequest, describesRecord, ImportRequest, isRecordId, parseProperties, recordIdOf, windowOf } from './request';
import { Answer, answer, attributesOf, dueAnswer, replyTo } from './responses';
import { retire } from './retire';
import { Runtime } from './runtime';
import { executionRuns } from './slots';
import { Ledger } from '../ledger/ledger';
import { LIVE_STATES, OwnerRecord, partitionKey, PendingResponse } from '../ledger/record';
import { classifyError, errorMessage, ImportFailure, withRetries } from '../shared/aws-errors';

const DAY_MS = 86_400_000;
/** A Delete waiting for an uncertain CreateImportTask is answered within CloudFormation's hour. */
const DEFERRED_DELETE_MS = 50 * 60_000;

export async function handleRequest(rt: Runtime, event: CloudFormationRequest): Promise<void> {
  const reply = replyTo(event);
  try {
    switch (event.RequestType) {
      case 'Create': return await createOrReplace(rt, event, reply(recordIdOf(event)));
      case 'Update': return await update(rt, event);
      case 'Delete': return await remove(rt, event);
      default: throw new ImportFailure(`unknown request type ${JSON.stringify(event.RequestType)}`);
    }
  } catch (error) {
    // Every failure becomes an answer a person can act on; the physical ID stays what it was.
    const physicalResourceId = event.RequestType === 'Create' ? recordIdOf(event) : event.PhysicalResourceId ?? recordIdOf(event);
    const reason = error instanceof ImportFailure ? error.message : `${event.LogicalResourceId}: ${errorMessage(error)}`;
    await answer(rt, reply(physicalResourceId), event.RequestType === 'Update' ? await refuseUpdate(rt, event, reason) : { status: 'FAILED', reason });
  }
}

/** CloudFormation sends this Update to roll back: it must succeed (a FAILED one leaves the stack UPDATE_ROLLBACK_FAILED). */
async function isRollback(rt: Runtime, event: CloudFormationRequest): Promise<boolean> {
  return event.RequestType === 'Update' && (await stackView(rt, event)).rollingBack === true;
}

/**
 * An Update the function cannot carry out: FAILED, or during a rollback SUCCESS saying what was not
 * done (the stack then completes its rollback; nothing else could undo a FAILED answer but ContinueUpdateRollback).
 */
async function refuseUpdate(rt: Runtime, event: CloudFormationRequest, reason: string, record?: OwnerRecord): Promise<Answer> {
  if (!(await isRollback(rt, event))) return { status: 'FAILED', reason };
  rt.log(`${event.LogicalResourceId}: answering the rollback Update with SUCCESS although ${reason}`);
  return { status: 'SUCCESS', reason: `Rolled back, but not everything was done: ${reason}`, data: record ? attributesOf(record) : undefined };
}

/** A Create, or an Update that asks for another import: a new owner record and its execution. */
async function createOrReplace(rt: Runtime, event: CloudFormationRequest, reply: Omit<PendingResponse, 'deadline'>): Promise<void> {
  const request = parseProperties(event.ResourceProperties, event.LogicalResourceId);
  const ledger = new Ledger(rt.dynamodb, request.tableName);
  const now = rt.now();
  const window = windowOf(request, now);
  const fresh: OwnerRecord = {
    pk: partitionKey(event.StackId, event.LogicalResourceId),
    sk: reply.physicalResourceId,
    stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId,
    requestId: event.RequestId,
    sourceArn: request.sourceArn,
    roleArn: request.roleArn,
    requested: { startEventTime: request.start, endEventTime: request.end, lookbackMillis: request.lookbackMillis },
    window,
    removalPolicy: request.removalPolicy,
    waitForCompletion: request.waitForCompletion,
    expectedLogGroupName: destinationLogGroupName(eventDataStoreIdOf(request.sourceArn)),
    notificationTopicArn: request.notificationTopicArn,
    cutover: request.cutover,
    ingestionStop: request.stopIngestionAfterMs !== undefined ? { parallelRunMs: request.stopIngestionAfterMs, state: 'PENDING' } : undefined,
    state: 'SCHEDULED',
    cloudFormation: 'PENDING',
    createAttempts: 0,
    pendingResponses: request.waitForCompletion ? { [event.RequestId]: { ...reply, deadline: now + request.timeoutMs } } : {},
    createdAt: now,
    updatedAt: now,
  };
  if (event.RequestType === 'Create' && !(await ledger.get(fresh)) && gaveUpOnCreate(await stackView(rt, event))) {
    // A late retry of a Create that CloudFormation has already rolled back or deleted: start nothing.
    return answer(rt, reply, { status: 'FAILED', reason: `${event.LogicalResourceId}: CloudFormation no longer waits for this Create (the stack rolls back or is deleted); nothing was started.` });
  }
  const isNew = await ledger.create(fresh);
  const record = isNew ? fresh : (await ledger.get(fresh))!;
  try {
    if (isNew) await checkSourceAtCreate(rt, ledger, record);
    if (record.state === 'WITHDRAWN' || record.state === 'FAILED') {
      throw new ImportFailure(`${event.LogicalResourceId}: ${record.errorMessage}`);
    }
    await startExecution(rt, ledger, record, request);
  } catch (error) {
    // Once the record exists, a failure answers with ITS ID: CloudFormation then deletes it (and
    // whatever it may have started), rather than rolling back onto the previous import.
    return answer(rt, reply, { status: 'FAILED', reason: error instanceof ImportFailure ? error.message : `${event.LogicalResourceId}: ${errorMessage(error)}` });
  }
  if (!request.waitForCompletion) {
    // The milestone of a resource that does not wait: the import is durably scheduled.
    await answer(rt, reply, { status: 'SUCCESS', data: attributesOf(record) });
    await ledger.update(record, { cloudFormation: 'SUCCESS' });
  }
}

/**
 * The deploy-time check of the window against the store's retention, on Create only (synth time
 * cannot know today's retention). A store that cannot be read is left to CreateImportTask to judge.
 */
async function checkSourceAtCreate(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<void> {
  let problem: string | undefined;
  try {
    const store = await withRetries(rt, { subject: subjectOf(record), call: 'GetEventDataStore', sourceArn: record.sourceArn }, () =>
      rt.cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: record.sourceArn })));
    const oldestKept = rt.now() - (store.RetentionPeriod ?? 0) * DAY_MS;
    if (store.RetentionPeriod && record.window.startEventTime !== undefined && record.window.startEventTime < oldestKept - DAY_MS) {
      problem = `the time range starts at ${new Date(record.window.startEventTime).toISOString()}, but the store keeps ${store.RetentionPeriod} days ` +
        `(its oldest events are from about ${new Date(oldestKept).toISOString().slice(0, 10)}): start the range at or after that, or leave timeRange out to import everything it keeps.`;
    } else if (store.Status === 'PENDING_DELETION') {
      problem = 'the event data store is PENDING_DELETION: restore it (`aws cloudtrail restore-event-data-store`) before importing it.';
    }
  } catch (error) {
    if (classifyError(error) === 'not-found') {
      problem = `the event data store ${record.sourceArn} does not exist in this account and region (imports are regional).`;
    } else {
      rt.log(`${subjectOf(record)}: could not read the store to check the window (${errorMessage(error)}); CreateImportTask will judge it`);
    }
  }
  if (problem) {
    await ledger.update(record, { state: 'WITHDRAWN', errorMessage: problem, cloudFormation: 'FAILED' }, ['SCHEDULED']);
    throw new ImportFailure(`${record.logicalResourceId}: ${problem}`);
  }
}

/** One execution per record, named by it: a re-delivered request starts none. */
async function startExecution(rt: Runtime, ledger: Ledger, record: OwnerRecord, request: ImportRequest): Promise<void> {
  let executionArn: string;
  try {
    const input = { table: request.tableName, key: { pk: record.pk, sk: record.sk } };
    executionArn = await startNamedExecution(rt, record, request.stateMachineArn, executionName(record.sk, 0), input);
  } catch (error) {
    // Nothing runs for the record, so nothing was created: it is withdrawn, and the Delete that follows finds nothing to do.
    await ledger.update(record, { state: 'WITHDRAWN', errorMessage: errorMessage(error), cloudFormation: 'FAILED' }, ['SCHEDULED']);
    throw error;
  }
  // Only while generation 0 is current: a request re-delivered after a hand-over must not name the old execution.
  await ledger.moveExecution(record, 0, 0, executionArn);
}

async function update(rt: Runtime, event: CloudFormationRequest): Promise<void> {
  const oldId = event.PhysicalResourceId ?? '';
  const request = parseProperties(event.ResourceProperties, event.LogicalResourceId);
  const ledger = new Ledger(rt.dynamodb, request.tableName);
  const old = isRecordId(oldId) ? await ledger.get({ pk: partitionKey(event.StackId, event.LogicalResourceId), sk: oldId }) : undefined;
  if (!old || !describesRecord(event.ResourceProperties, old)) {
    // Another import: a replacement. Its answers carry the new ID, so that a rollback deletes it.
    return createOrReplace(rt, event, replyTo(event)(recordIdOf(event)));
  }
  // The same import (settings or role changed, or a rollback to it): keep it, whatever its status.
  await retireAbandonedReplacements(rt, ledger, event, old);
  const reply = replyTo(event)(oldId);
  const plans = await migrationPlansAfterUpdate(rt, old, request);
  const planRefused = typeof plans === 'string' ? `${event.LogicalResourceId}: ${plans}` : undefined;
  // A forward Update that cannot be carried out changes nothing; a rollback keeps the rest of its settings.
  const rollingBack = planRefused !== undefined || request.waitForCompletion ? await isRollback(rt, event) : false;
  if (planRefused && !rollingBack) return answer(rt, reply, { status: 'FAILED', reason: planRefused });
  const kept = (await ledger.update(old, {
    removalPolicy: request.removalPolicy,
    waitForCompletion: request.waitForCompletion,
    notificationTopicArn: request.notificationTopicArn,
    ...(old.state === 'SCHEDULED' ? { roleArn: request.roleArn } : {}),
    ...(typeof plans === 'string' ? {} : plans),
  }))!;
  if (planRefused) return answer(rt, reply, await refuseUpdate(rt, event, planRefused, kept));
  // A rollback does not wait for the import: whatever the wait would end in, a rollback must succeed.
  if (!request.waitForCompletion || rollingBack) return answer(rt, reply, { status: 'SUCCESS', data: attributesOf(kept), reason: rollbackReason(kept, rollingBack) });
  const pending = { ...reply, deadline: rt.now() + request.timeoutMs };
  if (LIVE_STATES.includes(kept.state) && !(await executionRuns(rt, kept))) {
    return answer(rt, reply, {
      status: 'FAILED',
      reason: `${event.LogicalResourceId}: the import is ${kept.state} but its execution ${kept.executionArn} is not running (stopped: the queue is paused?), so nothing would ` +
        'answer a wait. Deploy without waitForCompletion, or remove the resource and add it again to schedule the import anew.',
    });
  }
  const waiting = LIVE_STATES.includes(kept.state) ? await ledger.addPendingResponse(kept, pending, LIVE_STATES) : undefined;
  if (waiting) return; // the record's execution answers at the milestone
  const ended = (await ledger.get(kept))!;
  return answer(rt, reply, dueAnswer(ended, pending, rt.now()) ?? { status: 'SUCCESS', data: attributesOf(ended) });
}

/** What a rollback that does not wait says of the import (undefined: not a rollback). */
function rollbackReason(record: OwnerRecord, rollingBack: boolean): string | undefined {
  if (!rollingBack || !record.waitForCompletion) return undefined;
  return `Rolled back to the previous settings without waiting for the import (a rollback must not fail): it is ${record.state}` +
    `${record.importId ? ` as ${record.importId}` : ''}${record.errorMessage && !LIVE_STATES.includes(record.state) ? ` (${record.errorMessage})` : ''}; ` +
    'follow it with `npx cdk-eventdatastore-import status`.';
}

/**
 * A migration's settings changed on the same import: a cutover not measured yet takes the new
 * settings (a measured one stays: the window is fixed); the stop of Lake ingestion is cancelled when
 * turned off, and takes the new parallel run when on (also turned on again by a rollback). The stop
 * is carried out by the record's execution: turning it on when that has ended cannot be done, and
 * the answer (a string) says what to do instead.
 */
async function migrationPlansAfterUpdate(rt: Runtime, old: OwnerRecord, request: ImportRequest): Promise<Partial<Pick<OwnerRecord, 'cutover' | 'ingestionStop'>> | string> {
  const changes: { cutover?: OwnerRecord['cutover']; ingestionStop?: OwnerRecord['ingestionStop'] } = {};
  if (old.cutover && request.cutover && old.cutover.cutoverTime === undefined) changes.cutover = { ...old.cutover, ...request.cutover };
  const stop = old.ingestionStop;
  if (request.stopIngestionAfterMs === undefined) {
    if (stop?.state === 'PENDING') changes.ingestionStop = { ...stop, state: 'CANCELLED', message: 'stopLakeIngestion was turned off by an Update: Lake ingestion keeps running' };
    return changes;
  }
  if (!request.cutover || stop?.state === 'STOPPED') return changes;
  const unchanged = stop?.state === 'PENDING' && stop.parallelRunMs === request.stopIngestionAfterMs;
  if (unchanged) return changes;
  // A stop to (re)plan: only a live record, or a completed one whose execution still waits out the parallel run, can carry it out.
  const canStop = LIVE_STATES.includes(old.state) || (old.state === 'COMPLETED' && !old.retiredAt && await executionRuns(rt, old));
  if (!canStop) {
    return `stopLakeIngestion (a parallel run of ${Math.round(request.stopIngestionAfterMs / 3_600_000)} h) cannot be carried out: the import ended ${old.state} ` +
      'and its execution has ended. Stop Lake ingestion by hand ' +
      `(\`aws cloudtrail stop-event-data-store-ingestion --event-data-store ${old.sourceArn}\`), or deploy without stopLakeIngestion.`;
  }
  const planned: NonNullable<OwnerRecord['ingestionStop']> = { parallelRunMs: request.stopIngestionAfterMs, state: 'PENDING' };
  // Once the import has completed, the execution waits for dueAt: give it the new one.
  changes.ingestionStop = old.state === 'COMPLETED' && old.cutover?.cutoverTime !== undefined ? { ...planned, dueAt: stopDueAt(rt, old, planned) } : planned;
  return changes;
}

/**
 * A rollback Update onto a record: any later record of the resource that is still live was a
 * replacement whose answer CloudFormation never got (it never sends a Delete for it). Cancel it,
 * deleting no data.
 */
async function retireAbandonedReplacements(rt: Runtime, ledger: Ledger, event: CloudFormationRequest, kept: OwnerRecord): Promise<void> {
  const later = (await ledger.recordsOf(kept.pk)).filter((r) =>
    r.sk !== kept.sk && r.createdAt >= kept.createdAt && !r.retiredAt && LIVE_STATES.includes(r.state));
  if (later.length === 0) return;
  if ((await stackView(rt, event)).rollingBack !== true) return;
  for (const record of later) {
    rt.log(`${event.LogicalResourceId}: rolling back onto ${kept.sk}; cancelling ${record.sk}, a replacement CloudFormation never heard of`);
    await retire(rt, ledger, record, { cancel: true, deleteData: false });
  }
}

/** How CloudFormation sees the resource while it deletes it. */
interface StackView {
  /** undefined when CloudFormation could not be read. */
  readonly rollingBack?: boolean;
  readonly currentPhysicalId?: string;
  readonly stackStatus?: string;
  readonly resourceStatus?: string;
}

async function stackView(rt: Runtime, event: CloudFormationRequest): Promise<StackView> {
  const subject = `${event.LogicalResourceId}`;
  let view: StackView = {};
  try {
    const stacks = await withRetries(rt, { subject, call: 'DescribeStacks' }, () => rt.cloudformation.send(new DescribeStacksCommand({ StackName: event.StackId })));
    const stackStatus = stacks.Stacks?.[0]?.StackStatus ?? '';
    view = { rollingBack: stackStatus.includes('ROLLBACK'), stackStatus };
    const resource = await withRetries(rt, { subject, call: 'DescribeStackResource' }, () =>
      rt.cloudformation.send(new DescribeStackResourceCommand({ StackName: event.StackId, LogicalResourceId: event.LogicalResourceId })));
    const detail = resource.StackResourceDetail;
    view = { ...view, currentPhysicalId: detail?.PhysicalResourceId, resourceStatus: detail?.ResourceStatus };
  } catch (error) {
    rt.log(`${subject}: could not read the stack (${errorMessage(error)}); deleting no data`);
  }
  return view;
}

/** CloudFormation has given up on a Create that arrives now (a late retry of an invocation). */
function gaveUpOnCreate(view: StackView): boolean {
  return /ROLLBACK|DELETE/.test(view.stackStatus ?? '') || (view.resourceStatus ?? '').startsWith('DELETE');
}

async function remove(rt: Runtime, event: CloudFormationRequest): Promise<void> {
  const reply = replyTo(event)(event.PhysicalResourceId ?? '');
  const tableName = event.ResourceProperties?.LedgerTableName;
  if (!tableName) return answer(rt, reply, { status: 'SUCCESS', reason: 'no ledger in the properties: nothing was created' });
  const ledger = new Ledger(rt.dynamodb, tableName);
  const pk = partitionKey(event.StackId, event.LogicalResourceId);
  const id = event.PhysicalResourceId;
  const own = isRecordId(id) ? await ledger.get({ pk, sk: id }) : undefined;
  if (isRecordId(id) && !own) return answer(rt, reply, { status: 'SUCCESS', reason: 'nothing was created for this resource' });
  const view = await stackView(rt, event);
  // An ID that is not a record's was invented by CloudFormation, which stopped waiting for a
  // request (its answer may even have been sent, and lost): every record of the resource that is
  // not the one CloudFormation holds as current is work it gave up on.
  const targets = own ? [own] : (await ledger.recordsOf(pk)).filter((r) => !r.retiredAt && r.state !== 'WITHDRAWN' &&
    (view.rollingBack !== undefined ? r.sk !== view.currentPhysicalId : r.cloudFormation !== 'SUCCESS'));
  if (targets.length === 0) return answer(rt, reply, { status: 'SUCCESS', reason: 'nothing was created for this resource' });

  const said: string[] = [];
  for (const target of targets) {
    const gaveUp = !own || target.cloudFormation !== 'SUCCESS';
    const destroy = target.removalPolicy === 'destroy';
    const intent = {
      cancel: destroy || gaveUp || view.rollingBack === true,
      // Data goes only on a deliberate delete of the stack's current resource.
      deleteData: destroy && !gaveUp && view.rollingBack === false && view.currentPhysicalId === id,
    };
    let outcome = await retire(rt, ledger, target, intent);
    while (!outcome.done) {
      // Answered by the execution once CreateImportTask's outcome is known; unless it became known meanwhile.
      if (await ledger.addPendingResponse(target, { ...reply, deadline: rt.now() + DEFERRED_DELETE_MS }, ['CREATING', 'UNCERTAIN'])) return;
      outcome = await retire(rt, ledger, (await ledger.get(target))!, intent);
    }
    said.push(`${target.sk}: ${outcome.said}`);
  }
  await answer(rt, reply, { status: 'SUCCESS', reason: said.join('; ') });
}
