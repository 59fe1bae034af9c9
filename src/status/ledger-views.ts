/**
 * The ledger's side of the status command: where a stack's ledger table is, and how its owner
 * records become views (a queued or starting record without an import, the others joined with
 * their live import). Pure functions: the calls are made in collect.ts.
 */
import { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { ImportView, RecordRef, StackResourceRef } from './collect';
import { OwnerRecord } from '../ledger/record';
import { RESOURCE_TYPE } from '../orchestrator/contract';
import { isRecordId } from '../orchestrator/request';

/**
 * The logical ID of the stack's ledger table, less the hash CDK appends: the orchestrator is the
 * stack's child `cdk-eventdatastore-import.Orchestrator` and the table its child `Ledger`.
 * test/status checks it against a synthesized template.
 */
export const LEDGER_LOGICAL_ID = /^cdkeventdatastoreimportOrchestratorLedger[0-9A-F]{8}$/;

export const LEDGER_RESOURCE_TYPE = 'AWS::DynamoDB::Table';

/** The ledger table among a stack's resources: its name, or undefined when the stack has none (yet). */
export function ledgerTableOf(resources: readonly StackResourceSummary[]): StackResourceSummary | undefined {
  return resources.find((r) => r.ResourceType === LEDGER_RESOURCE_TYPE && LEDGER_LOGICAL_ID.test(r.LogicalResourceId ?? ''));
}

/** The record's part of its view. The queue is the ledger's SCHEDULED records, oldest first. */
export function recordRefs(records: readonly OwnerRecord[]): Map<string, RecordRef> {
  const queue = records.filter((r) => r.state === 'SCHEDULED').sort((a, b) => a.createdAt - b.createdAt);
  return new Map(records.map((r) => {
    const position = queue.indexOf(r);
    return [r.sk, {
      recordId: r.sk,
      state: r.state,
      logicalResourceId: r.logicalResourceId,
      queuePosition: position >= 0 ? { position: position + 1, of: queue.length } : undefined,
      createdAt: r.createdAt,
      createSentAt: r.createSentAt,
      retiredAt: r.retiredAt,
      generation: r.generation ?? 0,
      executionArn: r.executionArn,
      removalPolicy: r.removalPolicy,
      expectedLogGroupName: r.expectedLogGroupName,
      destinationMismatch: r.destinationMismatch,
      cutover: r.cutover,
      ingestionStop: r.ingestionStop,
    }];
  }));
}

/** The status a record has before its live import is known (that import's status replaces it). */
export function recordStatus(record: Pick<OwnerRecord, 'state' | 'importStatus'>): string {
  switch (record.state) {
    case 'SCHEDULED': return 'QUEUED';
    case 'CREATING':
    case 'UNCERTAIN': return 'STARTING';
    case 'STARTED': return record.importStatus ?? 'IN_PROGRESS';
    default: return record.state;
  }
}

/**
 * Which CloudFormation resource each record was found through: a resource's current record is
 * the one its physical ID names, or (no physical ID yet: CloudFormation has not been answered)
 * the newest record of its logical ID. Resources without a record come back in `orphans`.
 */
export function joinResources(records: readonly OwnerRecord[], resources: readonly StackResourceSummary[]): {
  readonly byRecord: Map<string, StackResourceRef>;
  readonly orphans: StackResourceRef[];
} {
  const byRecord = new Map<string, StackResourceRef>();
  const orphans: StackResourceRef[] = [];
  for (const resource of resources.filter((r) => r.ResourceType === RESOURCE_TYPE)) {
    const ref: StackResourceRef = {
      logicalResourceId: resource.LogicalResourceId ?? '',
      physicalResourceId: resource.PhysicalResourceId,
      resourceStatus: resource.ResourceStatus,
    };
    const physicalId = resource.PhysicalResourceId;
    const own = records.filter((r) => r.logicalResourceId === ref.logicalResourceId);
    const current = isRecordId(physicalId)
      ? own.find((r) => r.sk === physicalId)
      : (physicalId ? undefined : [...own].sort((a, b) => b.createdAt - a.createdAt)[0]);
    if (current) byRecord.set(current.sk, ref);
    else orphans.push(ref);
  }
  return { byRecord, orphans };
}

/** Queued first (by place), then starting, then the others newest first; retired ones last. */
export function byQueueThenAge(a: ImportView, b: ImportView): number {
  const group = (v: ImportView) => (v.status === 'QUEUED' ? 0 : v.status === 'STARTING' ? 1 : v.record?.retiredAt !== undefined ? 3 : 2);
  const difference = group(a) - group(b);
  if (difference !== 0) return difference;
  const place = (v: ImportView) => v.record?.queuePosition?.position ?? Number.MAX_SAFE_INTEGER;
  if (group(a) === 0) return place(a) - place(b);
  return (b.record?.createdAt ?? 0) - (a.record?.createdAt ?? 0);
}
