/** The CloudWatch Logs import API, as the orchestrator uses it. */
import {
  CancelImportTaskCommand,
  CreateImportTaskCommand,
  DeleteLogGroupCommand,
  DescribeImportTaskBatchesCommand,
  DescribeImportTasksCommand,
  DescribeImportTasksRequest,
  Import,
  ImportBatch,
} from '@aws-sdk/client-cloudwatch-logs';
import { Runtime } from './runtime';
import { OwnerRecord } from '../ledger/record';
import { classifyError, FailureContext, withRetries } from '../shared/aws-errors';

/** The largest page the Describe calls accept. */
const PAGE_LIMIT = 50;
/** Failed batches quoted in a failure message. */
const FAILED_BATCHES_QUOTED = 3;

export function subjectOf(record: Pick<OwnerRecord, 'logicalResourceId' | 'sourceArn'>): string {
  return `Import ${record.logicalResourceId} (${record.sourceArn})`;
}

function context(record: OwnerRecord, call: string): FailureContext {
  return { subject: subjectOf(record), call, roleArn: record.roleArn, sourceArn: record.sourceArn };
}

export async function listImports(rt: Runtime, record: OwnerRecord, filter: DescribeImportTasksRequest): Promise<Import[]> {
  const imports: Import[] = [];
  let nextToken: string | undefined;
  do {
    const page = await withRetries(rt, context(record, 'DescribeImportTasks'), () =>
      rt.logs.send(new DescribeImportTasksCommand({ ...filter, limit: PAGE_LIMIT, nextToken })));
    imports.push(...(page.imports ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return imports;
}

export async function describeImport(rt: Runtime, record: OwnerRecord, importId: string): Promise<Import | undefined> {
  try {
    return (await listImports(rt, record, { importId })).find((i) => i.importId === importId);
  } catch (error) {
    // Whether an unknown ID is an empty list or ResourceNotFound is not documented.
    if (classifyError(error) === 'not-found') return undefined;
    throw error;
  }
}

export async function activeImportIds(rt: Runtime, record: OwnerRecord): Promise<string[]> {
  return (await listImports(rt, record, { importStatus: 'IN_PROGRESS' })).map((i) => i.importId!);
}

/** The service's messages of an import that ended badly: its own, then its first failed batches'. */
export async function failureMessages(rt: Runtime, record: OwnerRecord, current: Import): Promise<string> {
  const batches: ImportBatch[] = [];
  let nextToken: string | undefined;
  do {
    const page = await withRetries(rt, context(record, 'DescribeImportTaskBatches'), () =>
      rt.logs.send(new DescribeImportTaskBatchesCommand({ importId: current.importId, batchImportStatus: ['FAILED'], limit: PAGE_LIMIT, nextToken })));
    batches.push(...(page.importBatches ?? []));
    nextToken = page.nextToken;
  } while (nextToken && batches.length < FAILED_BATCHES_QUOTED);
  const said = current.errorMessage ? ` The service said: ${current.errorMessage}.` : '';
  const quoted = batches.filter((b) => b.errorMessage).slice(0, FAILED_BATCHES_QUOTED).map((b) => `batch ${b.batchId}: ${b.errorMessage}`);
  const batchText = quoted.length ? ` Failed batches: ${quoted.join('; ')}.` : '';
  return `import ${current.importId} ended ${current.importStatus} after ${current.importStatistics?.bytesImported ?? 0} bytes.${said}${batchText}`;
}

/** One CreateImportTask, never retried by the SDK: the caller decides what an error means. */
export async function sendCreateImport(rt: Runtime, record: OwnerRecord) {
  const { startEventTime, endEventTime } = record.window;
  const importFilter = startEventTime === undefined && endEventTime === undefined ? undefined : { startEventTime, endEventTime };
  return rt.createLogs.send(new CreateImportTaskCommand({
    importSourceArn: record.sourceArn,
    importRoleArn: record.roleArn,
    importFilter,
  }));
}

/** How an import stands once a cancel was asked for, as the service says. */
export interface CancelOutcome {
  /** CANCELLED only when this call cancelled it (or it was cancelled already); COMPLETED or FAILED when it had ended first. */
  readonly status: 'CANCELLED' | 'COMPLETED' | 'FAILED';
  readonly bytesImported?: number;
  /** The import as DescribeImportTasks lists it, when it had ended before the cancel. */
  readonly ended?: Import;
}

/**
 * Cancels an import that is still running. One that has ended already is not cancelled: its real
 * status is read (DescribeImportTasks), before the call and again when the call is refused, and returned.
 */
export async function cancelImport(rt: Runtime, record: OwnerRecord, importId: string): Promise<CancelOutcome> {
  const current = await describeImport(rt, record, importId);
  // Not listed yet (a new import may take a moment to show): cancel it all the same.
  if (current && current.importStatus !== 'IN_PROGRESS') return endedAs(current);
  try {
    const cancelled = await withRetries(rt, context(record, 'CancelImportTask'), () => rt.logs.send(new CancelImportTaskCommand({ importId })));
    rt.log(`${subjectOf(record)}: cancelled import ${importId}`);
    return { status: 'CANCELLED', bytesImported: cancelled.importStatistics?.bytesImported };
  } catch (error) {
    // It may have ended between the two calls: only a still-running (or still unlisted) import is a failure to cancel.
    const after = await describeImport(rt, record, importId);
    if (after ? after.importStatus === 'IN_PROGRESS' : classifyError(error) !== 'not-found') throw error;
    if (after) rt.log(`${subjectOf(record)}: import ${importId} had ended ${after.importStatus} before it could be cancelled`);
    return after ? endedAs(after) : { status: 'CANCELLED' };
  }
}

function endedAs(current: Import): CancelOutcome {
  const status = current.importStatus === 'COMPLETED' || current.importStatus === 'FAILED' ? current.importStatus : 'CANCELLED';
  return { status, bytesImported: current.importStatistics?.bytesImported, ended: current };
}

export async function deleteLogGroup(rt: Runtime, record: OwnerRecord, logGroupName: string): Promise<void> {
  try {
    await withRetries(rt, context(record, 'DeleteLogGroup'), () => rt.logs.send(new DeleteLogGroupCommand({ logGroupName })));
    rt.log(`${subjectOf(record)}: deleted log group ${logGroupName}`);
  } catch (error) {
    if (classifyError(error) === 'not-found') return;
    throw error;
  }
}

/** `arn:aws:logs:r:a:log-group:NAME[:*]` -> NAME (whichever spelling the service chose). */
export function logGroupNameOf(arn: string): string {
  const marker = ':log-group:';
  const at = arn.indexOf(marker);
  return at < 0 ? '' : arn.slice(at + marker.length).replace(/:\*$/, '');
}
