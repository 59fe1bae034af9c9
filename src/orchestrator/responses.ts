/**
 * Answering CloudFormation: once per request, at the moment its milestone is reached, from
 * whichever piece of deploy-time code reaches it (the request handler or a state machine step).
 */
import { destinationLogGroupName, eventDataStoreIdOf, ImportAttributes } from './contract';
import type { CloudFormationRequest } from './request';
import { Runtime } from './runtime';
import { Ledger } from '../ledger/ledger';
import { OwnerRecord, PendingResponse } from '../ledger/record';
import { RetryClock, withRetries } from '../shared/aws-errors';

/** CloudFormation shows at most this much of a reason; keep the end, which says what to do. */
const MAX_REASON = 3_500;
/** CloudFormation rejects a response body larger than this. */
const MAX_RESPONSE_BYTES = 4_096;

export interface Answer {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  /** An import's attributes, or another custom resource's (string attributes, as CloudFormation reads them). */
  readonly data?: ImportAttributes | { readonly [attribute: string]: string };
}

/** What answering needs of the runtime: a clock for the retries and the PUT (any custom resource's handler has them). */
export type AnswerRuntime = RetryClock & Pick<Runtime, 'putResponse'>;

/** Where the answer to a request goes, by the physical ID it is answered with. */
export function replyTo(event: CloudFormationRequest) {
  return (physicalResourceId: string): Omit<PendingResponse, 'deadline'> => ({
    requestType: event.RequestType,
    requestId: event.RequestId,
    responseUrl: event.ResponseURL,
    stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId,
  });
}

export async function answer(rt: AnswerRuntime, request: Omit<PendingResponse, 'deadline'>, reply: Answer): Promise<void> {
  let reason = reply.reason && reply.reason.length > MAX_REASON ? `${reply.reason.slice(0, MAX_REASON)}...` : reply.reason;
  const render = () => JSON.stringify({
    Status: reply.status,
    Reason: reason ?? (reply.status === 'SUCCESS' ? 'OK' : 'FAILED'),
    PhysicalResourceId: request.physicalResourceId,
    StackId: request.stackId,
    RequestId: request.requestId,
    LogicalResourceId: request.logicalResourceId,
    Data: reply.data,
  });
  let body = render();
  // The limit is on the body's bytes: escaped quotes and multi-byte characters count too.
  let over = Buffer.byteLength(body) - MAX_RESPONSE_BYTES;
  while (over > 0 && reason !== undefined && reason.length > 3) {
    reason = `${reason.slice(0, Math.max(0, reason.length - over - 3 - 8))}...`;
    body = render();
    over = Buffer.byteLength(body) - MAX_RESPONSE_BYTES;
  }
  rt.log(`${request.logicalResourceId}: answering ${request.requestType} ${request.requestId} with ${reply.status}${reason ? `: ${reason}` : ''}`);
  // A lost answer leaves CloudFormation waiting for the resource's whole service timeout: retry.
  await withRetries(rt, { subject: request.logicalResourceId, call: 'the CloudFormation response' }, () => rt.putResponse(request.responseUrl, body));
}

/** The resource's attributes: the import's own only once it is known. */
export function attributesOf(record: OwnerRecord): ImportAttributes {
  const base = { RecordId: record.sk, DestinationLogGroupName: destinationLogGroupName(eventDataStoreIdOf(record.sourceArn)) };
  if (!record.importId) return base;
  return {
    ...base,
    ImportId: record.importId,
    CreationTime: record.importCreationTime !== undefined ? new Date(record.importCreationTime).toISOString() : '',
    BytesImported: String(record.bytesImported ?? 0),
    ...cutoverAttributes(record),
  };
}

function cutoverAttributes(record: OwnerRecord): Pick<ImportAttributes, 'CutoverTime' | 'ImportEndTime'> {
  const cutover = record.cutover?.cutoverTime;
  if (cutover === undefined || record.window.endEventTime === undefined) return {};
  return { CutoverTime: new Date(cutover).toISOString(), ImportEndTime: new Date(record.window.endEventTime).toISOString() };
}

/** What a waiting request is told once the record has ended, or its deadline has passed; undefined: keep waiting. */
export function dueAnswer(record: OwnerRecord, pending: PendingResponse, now: number): Answer | undefined {
  if (pending.requestType === 'Delete') return undefined; // answered by the code that retires the record
  switch (record.state) {
    case 'COMPLETED':
      return { status: 'SUCCESS', data: attributesOf(record) };
    case 'FAILED':
    case 'CANCELLED':
    case 'WITHDRAWN':
      return {
        status: 'FAILED',
        reason: `${record.logicalResourceId}: ${record.errorMessage ?? `the import ended ${record.state}`} ` +
          'Nothing is started again by itself: fix the cause, then change the time range (a new import) or remove and re-add the resource.',
      };
    default:
      if (now < pending.deadline) return undefined;
      if (record.cutover && record.state === 'SCHEDULED' && record.cutover.readyAt === undefined) {
        return {
          status: 'FAILED',
          reason: `${record.logicalResourceId}: at the resource's completionTimeout, the cutover is not measured yet: no ongoing event has reached ` +
            `${record.cutover.logGroupNames.filter((g) => record.cutover?.firstEvents?.[g] === undefined).join(', ')} since the telemetry rule was created. ` +
            'Nothing was imported. A migration\'s import waits for the first ongoing events, then 15 minutes plus the overlap, then imports: it rarely fits ' +
            'CloudFormation\'s hour. Deploy the migration without waitForCompletion, and follow it with `npx cdk-eventdatastore-import status`.',
        };
      }
      return {
        status: 'FAILED',
        reason: `${record.logicalResourceId}: the import ${record.importId ?? '(not started yet: waiting for a free slot)'} is still ` +
          `${record.importId ? record.importStatus ?? 'IN_PROGRESS' : 'QUEUED'} at the resource's completionTimeout, with ${record.bytesImported ?? 0} bytes imported. ` +
          (pending.requestId === record.requestId
            ? 'CloudFormation stops waiting: the rollback cancels the import (nothing is deleted). '
            : 'The import goes on; the rollback restores the resource\'s previous settings. ') +
          'Raise completionTimeout, or deploy without waitForCompletion and follow it with `npx cdk-eventdatastore-import status`.',
      };
  }
}

/**
 * Answers every waiting request whose answer is due, and forgets it. A failed Create answer is
 * recorded first, so that the Delete CloudFormation sends next knows it gave up.
 */
export async function answerDue(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<void> {
  for (const pending of Object.values(record.pendingResponses ?? {})) {
    const reply = dueAnswer(record, pending, rt.now());
    if (!reply) continue;
    if (pending.requestId === record.requestId) {
      await ledger.update(record, { cloudFormation: reply.status });
    }
    await answer(rt, pending, reply);
    await ledger.removePendingResponse(record, pending.requestId);
  }
}
