/**
 * Gathers what the status command shows: one `ImportView` per import, from the CloudWatch Logs
 * import API (DescribeImportTasks, DescribeImportTaskBatches) and, for `--stack` and `--ledger`,
 * from the stack's ledger (its owner records: DynamoDB Scan), found for `--stack` through
 * CloudFormation (ListStackResources). The clients are injected, so that tests can point real
 * SDK clients at loopback stand-ins and dynalite.
 */
import { CloudFormationClient, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  DescribeImportTaskBatchesCommand,
  DescribeImportTasksCommand,
  DescribeImportTasksCommandInput,
  Import,
  ImportBatch,
} from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { byQueueThenAge, joinResources, LEDGER_LOGICAL_ID, LEDGER_RESOURCE_TYPE, ledgerTableOf, recordRefs, recordStatus } from './ledger-views';
import { Ledger } from '../ledger/ledger';
import { CutoverPlan, IngestionStopPlan, OwnerRecord, RecordState } from '../ledger/record';
import { RECENT_DELIVERY_MS, RESOURCE_TYPE } from '../orchestrator/contract';
import { errorMessage, errorName } from '../shared/aws-errors';
import { earliestEventSince } from '../shared/log-events';

/** The largest page DescribeImportTasks and DescribeImportTaskBatches accept. */
export const PAGE_LIMIT = 50;

/** Status of an import as the command shows it: the service's four, plus the ledger's. */
export type ViewStatus =
  | 'IN_PROGRESS'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  /** A SCHEDULED owner record: waiting for a free import slot. */
  | 'QUEUED'
  /** A CREATING or UNCERTAIN owner record: CreateImportTask is sent, its import not known yet. */
  | 'STARTING'
  /** A record deleted by CloudFormation before its import was created: nothing was imported. */
  | 'WITHDRAWN'
  /** A record whose import DescribeImportTasks does not list, or a stack resource without a record. */
  | 'NOT_FOUND';

/** Batches of an import by status. `total` includes every status. */
export interface BatchCounts {
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly cancelled: number;
}

/** A FAILED batch and what the service said about it. */
export interface FailedBatch {
  readonly batchId: string;
  readonly errorMessage?: string;
}

/** The CloudFormation resource an import was found through (`--stack` only). */
export interface StackResourceRef {
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceStatus?: string;
}

/** The owner record an import was found through (`--stack`, `--ledger`). */
export interface RecordRef {
  /** The record ID, also the custom resource's physical ID. */
  readonly recordId: string;
  readonly state: RecordState;
  readonly logicalResourceId: string;
  /** SCHEDULED records: the place among the ledger's SCHEDULED records, oldest first (1-based). */
  readonly queuePosition?: { readonly position: number; readonly of: number };
  readonly createdAt: number;
  readonly createSentAt?: number;
  /** When CloudFormation deleted the resource (the record stays as history). */
  readonly retiredAt?: number;
  /** The generation of the record's current execution (0: the first; a later one took over before the history filled). */
  readonly generation: number;
  readonly executionArn?: string;
  readonly removalPolicy: 'retain' | 'destroy';
  readonly expectedLogGroupName: string;
  /** The log group the import really writes to, when it is not `expectedLogGroupName`. */
  readonly destinationMismatch?: string;
  /** A migration's cutover, as the record holds it. */
  readonly cutover?: CutoverPlan;
  /** A migration's stop of Lake ingestion, as the record holds it. */
  readonly ingestionStop?: IngestionStopPlan;
}

/** Whether the telemetry rule delivers to one of a migration's ongoing log groups. */
export interface DeliveryCheck {
  readonly logGroupName: string;
  /** `delivering`: an event within the last hour; `silent`: none (or no group yet); `unknown`: the check failed (`error`). */
  readonly state: 'delivering' | 'silent' | 'unknown';
  /** Why the check could not be made (e.g. `AccessDeniedException: ...`). */
  readonly error?: string;
}

/** Everything the command shows about one import. Times are epoch milliseconds. */
export interface ImportView {
  /** Undefined while an owner record has no import (queued, starting, withdrawn). */
  readonly importId?: string;
  readonly importSourceArn?: string;
  readonly importDestinationArn?: string;
  /** A `ViewStatus`, or whatever new status the service may return one day. */
  readonly status: string;
  readonly bytesImported: number;
  readonly batches: BatchCounts;
  /** Every FAILED batch, in the service's order. */
  readonly failedBatches: FailedBatch[];
  readonly creationTime?: number;
  readonly lastUpdatedTime?: number;
  /** creationTime to lastUpdatedTime for a finished import, to now for one IN_PROGRESS. */
  readonly elapsedSeconds?: number;
  readonly errorMessage?: string;
  readonly stackResource?: StackResourceRef;
  readonly record?: RecordRef;
  /** A migration's record: whether ongoing events arrive in each of its log groups (`--stack`, `--ledger`). */
  readonly delivery?: DeliveryCheck[];
}

/** Which imports to show. */
export type Selection =
  | { readonly kind: 'all' }
  | { readonly kind: 'event-data-store'; readonly eventDataStoreArn: string }
  | { readonly kind: 'import'; readonly importId: string }
  | { readonly kind: 'stack'; readonly stackName: string }
  | { readonly kind: 'ledger'; readonly tableName: string };

/** An error the user can fix (unknown stack, unknown import ID...): one line, exit code 2, no stack trace. */
export class StatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusError';
  }
}

/** The clients the collector talks to. CloudFormation is needed for `--stack`, DynamoDB for `--stack` and `--ledger`. */
export interface StatusClients {
  readonly logs: CloudWatchLogsClient;
  readonly cloudFormation?: CloudFormationClient;
  readonly dynamodb?: DynamoDBClient;
}

export interface CollectorOptions {
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** How many imports' batches are listed at the same time. Default 4. */
  readonly concurrency?: number;
  /** Region, for messages only. */
  readonly region?: string;
  /** Aborts the calls in flight (Ctrl-C). */
  readonly signal?: AbortSignal;
  /**
   * Look for recent events in a migration's ongoing log groups (FilterLogEvents). Default true.
   * `false` skips the check (the views have no `delivery`).
   */
  readonly checkDelivery?: boolean;
}

/** True when an import will not change any more. */
export function isFinished(view: ImportView): boolean {
  return view.status !== 'IN_PROGRESS' && view.status !== 'QUEUED' && view.status !== 'STARTING';
}

/**
 * Collects `ImportView`s. Keep one collector for a whole `--watch` session: it remembers the
 * batches of finished imports (they cannot change) and does not list them again.
 */
export class ImportCollector {
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly finishedBatches = new Map<string, ImportBatch[]>();

  constructor(private readonly clients: StatusClients, private readonly options: CollectorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** The imports `selection` asks for, in the service's order (newest first) or the stack's order. */
  public async collect(selection: Selection): Promise<ImportView[]> {
    switch (selection.kind) {
      case 'all':
        return this.viewsOf(await this.listImports({}));
      case 'event-data-store':
        return this.viewsOf(await this.listImports({ importSourceArn: selection.eventDataStoreArn }));
      case 'import': {
        const imports = await this.describeImportId(selection.importId);
        if (imports.length === 0) {
          throw new StatusError(`No import with ID ${selection.importId}${this.inRegion()}.`);
        }
        return this.viewsOf(imports);
      }
      case 'stack':
        return this.stackViews(selection.stackName);
      case 'ledger':
        return this.ledgerViews(selection.tableName, []);
    }
  }

  private sendOptions(): { abortSignal?: AbortSignal } {
    return this.options.signal ? { abortSignal: this.options.signal } : {};
  }

  private inRegion(): string {
    return this.options.region ? ` in ${this.options.region}` : '';
  }

  /** Every page of DescribeImportTasks for `filter`. */
  private async listImports(filter: DescribeImportTasksCommandInput): Promise<Import[]> {
    const imports: Import[] = [];
    await paginate(async (nextToken) => {
      const page = await this.clients.logs.send(new DescribeImportTasksCommand({ ...filter, limit: PAGE_LIMIT, nextToken }), this.sendOptions());
      imports.push(...(page.imports ?? []));
      return page.nextToken;
    });
    return imports;
  }

  /** DescribeImportTasks for one ID; an unknown ID gives an empty list (or ResourceNotFoundException). */
  private async describeImportId(importId: string): Promise<Import[]> {
    try {
      return await this.listImports({ importId });
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return [];
      throw e;
    }
  }

  private async batchesOf(imp: Import): Promise<ImportBatch[]> {
    const id = imp.importId!;
    const cached = this.finishedBatches.get(id);
    if (cached) return cached;
    const batches: ImportBatch[] = [];
    await paginate(async (nextToken) => {
      const command = new DescribeImportTaskBatchesCommand({ importId: id, limit: PAGE_LIMIT, nextToken });
      const page = await this.clients.logs.send(command, this.sendOptions());
      batches.push(...(page.importBatches ?? []));
      return page.nextToken;
    });
    if (imp.importStatus !== undefined && imp.importStatus !== 'IN_PROGRESS') this.finishedBatches.set(id, batches);
    return batches;
  }

  private async viewsOf(imports: Import[]): Promise<ImportView[]> {
    const withIds = imports.filter((i) => i.importId !== undefined);
    return mapLimit(withIds, this.concurrency, async (imp) => toView(imp, await this.batchesOf(imp), this.now()));
  }

  private async stackViews(stackName: string): Promise<ImportView[]> {
    const cloudFormation = this.clients.cloudFormation;
    if (!cloudFormation) throw new Error('a CloudFormation client is needed for --stack');
    const resources: StackResourceSummary[] = [];
    try {
      await paginate(async (nextToken) => {
        const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }), this.sendOptions());
        resources.push(...(page.StackResourceSummaries ?? []));
        return page.NextToken;
      });
    } catch (e) {
      if (errorName(e) === 'ValidationError' && /does not exist/i.test(errorMessage(e))) {
        throw new StatusError(`Stack ${stackName} does not exist${this.inRegion()}.`);
      }
      throw e;
    }

    const table = ledgerTableOf(resources);
    if (!table && resources.some((r) => r.ResourceType === RESOURCE_TYPE)) {
      throw new StatusError(`Stack ${stackName} has ${RESOURCE_TYPE} resources but no ledger table (an ${LEDGER_RESOURCE_TYPE} ` +
        `whose logical ID matches ${LEDGER_LOGICAL_ID.source}): deploy it with this version of the construct, or name the table with --ledger.`);
    }
    // A ledger that CloudFormation is still creating has no name yet, and no records.
    return this.ledgerViews(table?.PhysicalResourceId, resources, stackName);
  }

  /** The ledger's records as views, joined with their live imports and (with `--stack`) the stack's resources. */
  private async ledgerViews(tableName: string | undefined, resources: readonly StackResourceSummary[], stackName?: string): Promise<ImportView[]> {
    const records = tableName ? await this.readLedger(tableName, stackName) : [];
    const refs = recordRefs(records);
    const { byRecord, orphans } = joinResources(records, resources);
    const delivery = await this.deliveryOf(records);
    const views = await mapLimit(records, this.concurrency, async (record): Promise<ImportView> => {
      const view: ImportView = { ...(await this.recordView(record)), record: refs.get(record.sk), stackResource: byRecord.get(record.sk) };
      const groups = record.cutover && record.retiredAt === undefined ? record.cutover.logGroupNames : [];
      const checks = groups.map((g) => delivery.get(g)).filter((c): c is DeliveryCheck => c !== undefined);
      return checks.length > 0 ? { ...view, delivery: checks } : view;
    });
    // A resource without a record: CloudFormation is still creating it, or it names a record this ledger does not hold.
    const orphanViews = orphans.map((stackResource): ImportView => (
      stackResource.physicalResourceId === undefined && /_IN_PROGRESS$/.test(stackResource.resourceStatus ?? '')
        ? { ...emptyView('QUEUED'), stackResource }
        : {
          ...emptyView('NOT_FOUND'),
          errorMessage: `the ledger ${tableName ?? '(not created yet)'} has no owner record ${stackResource.physicalResourceId ?? `for ${stackResource.logicalResourceId}`}`,
          stackResource,
        }));
    return [...views, ...orphanViews].sort(byQueueThenAge);
  }

  /** The delivery check of every ongoing log group of the (not retired) migration records, each group once. */
  private async deliveryOf(records: readonly OwnerRecord[]): Promise<Map<string, DeliveryCheck>> {
    if (this.options.checkDelivery === false) return new Map();
    const groups = [...new Set(records.filter((r) => r.retiredAt === undefined).flatMap((r) => r.cutover?.logGroupNames ?? []))];
    const checks = await mapLimit(groups, this.concurrency, (g) => checkDelivery(this.clients.logs, g, this.now(), this.sendOptions()));
    return new Map(checks.map((c) => [c.logGroupName, c]));
  }

  private async readLedger(tableName: string, stackName?: string): Promise<OwnerRecord[]> {
    const dynamodb = this.clients.dynamodb;
    if (!dynamodb) throw new Error('a DynamoDB client is needed to read the ledger');
    try {
      return await new Ledger(dynamodb, tableName).allRecords();
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') {
        throw new StatusError(`Ledger table ${tableName}${stackName ? ` of stack ${stackName}` : ''} does not exist${this.inRegion()}.`);
      }
      throw e;
    }
  }

  /** A record, with its live import when it has one. */
  private async recordView(record: OwnerRecord): Promise<ImportView> {
    const fromRecord: ImportView = {
      ...emptyView(recordStatus(record)),
      importId: record.importId,
      importSourceArn: record.sourceArn,
      importDestinationArn: record.destinationArn,
      bytesImported: record.bytesImported ?? 0,
      creationTime: record.importCreationTime,
      errorMessage: record.errorMessage,
    };
    if (!record.importId) return fromRecord;
    const [imp] = await this.describeImportId(record.importId);
    if (!imp) {
      return {
        ...fromRecord,
        status: 'NOT_FOUND',
        errorMessage: `DescribeImportTasks does not list import ${record.importId}${this.inRegion()} (the ledger says ${record.state})`,
      };
    }
    const live = toView(imp, await this.batchesOf(imp), this.now());
    // The record's message says more (the failed batches', what the orchestrator did); the import's is the fallback.
    return { ...live, errorMessage: record.errorMessage ?? live.errorMessage };
  }
}

/**
 * Whether a telemetry rule delivers to `logGroupName`: FilterLogEvents from an hour before `now`,
 * `limit` 1. A group that does not exist (yet) is silent; any other error (AccessDenied...) makes
 * the check `unknown`, never the command fail.
 */
export async function checkDelivery(
  logs: CloudWatchLogsClient, logGroupName: string, now: number, sendOptions: { abortSignal?: AbortSignal } = {},
): Promise<DeliveryCheck> {
  try {
    const found = await earliestEventSince((command) => logs.send(command, sendOptions), logGroupName, now - RECENT_DELIVERY_MS, 1);
    return { logGroupName, state: found === undefined ? 'silent' : 'delivering' };
  } catch (e) {
    if (sendOptions.abortSignal?.aborted) throw e;
    return { logGroupName, state: 'unknown', error: `${errorName(e)}: ${errorMessage(e)}` };
  }
}

/** One import and its batches as a view, at time `now`. */
export function toView(imp: Import, batches: ImportBatch[], now: number): ImportView {
  const status = imp.importStatus ?? 'IN_PROGRESS';
  const count = (s: string) => batches.filter((b) => b.status === s).length;
  const creationTime = imp.creationTime;
  const end = status === 'IN_PROGRESS' ? now : imp.lastUpdatedTime;
  const elapsedSeconds = creationTime !== undefined && end !== undefined
    ? Math.max(0, Math.floor((end - creationTime) / 1000))
    : undefined;
  return {
    importId: imp.importId,
    importSourceArn: imp.importSourceArn,
    importDestinationArn: imp.importDestinationArn,
    status,
    bytesImported: imp.importStatistics?.bytesImported ?? 0,
    batches: {
      total: batches.length,
      completed: count('COMPLETED'),
      failed: count('FAILED'),
      inProgress: count('IN_PROGRESS'),
      cancelled: count('CANCELLED'),
    },
    failedBatches: batches
      .filter((b) => b.status === 'FAILED')
      .map((b) => ({ batchId: b.batchId ?? '', errorMessage: b.errorMessage })),
    creationTime,
    lastUpdatedTime: imp.lastUpdatedTime,
    elapsedSeconds,
    errorMessage: imp.errorMessage,
  };
}

function emptyView(status: string): ImportView {
  return {
    status,
    bytesImported: 0,
    batches: { total: 0, completed: 0, failed: 0, inProgress: 0, cancelled: 0 },
    failedBatches: [],
  };
}

/** Calls `fetchPage` with each next token until there is none (or a token repeats). */
export async function paginate(fetchPage: (nextToken: string | undefined) => Promise<string | undefined>): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    token = await fetchPage(token);
    if (token !== undefined) {
      if (seen.has(token)) return;
      seen.add(token);
    }
  } while (token);
}

/** `items.map(fn)`, at most `limit` calls at a time, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
