/**
 * Gathers what the status command shows: one `ImportView` per import, from the CloudWatch Logs
 * import API (DescribeImportTasks, DescribeImportTaskBatches) and, for `--stack`, from
 * CloudFormation (ListStackResources). The clients are injected, so that tests can point real
 * SDK clients at loopback stand-ins.
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
import { IMPORT_ID_PATTERN, PENDING_PREFIX, RESOURCE_TYPE } from '../event-data-store-import/handler/properties';
import { errorMessage, errorName } from '../shared/aws-errors';

/** The largest page DescribeImportTasks and DescribeImportTaskBatches accept. */
export const PAGE_LIMIT = 50;

/** Status of an import as the command shows it: the service's four, plus two of its own. */
export type ViewStatus =
  | 'IN_PROGRESS'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  /** Declared in the stack, but the import has not started yet (waiting for a free slot). */
  | 'QUEUED'
  /** Declared in the stack with an import ID that DescribeImportTasks does not list. */
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

/** Everything the command shows about one import. Times are epoch milliseconds. */
export interface ImportView {
  /** Undefined for a QUEUED stack resource. */
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
}

/** Which imports to show. */
export type Selection =
  | { readonly kind: 'all' }
  | { readonly kind: 'event-data-store'; readonly eventDataStoreArn: string }
  | { readonly kind: 'import'; readonly importId: string }
  | { readonly kind: 'stack'; readonly stackName: string };

/** An error the user can fix (unknown stack, unknown import ID...): one line, exit code 2, no stack trace. */
export class StatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusError';
  }
}

/** The clients the collector talks to. CloudFormation is needed for `--stack` only. */
export interface StatusClients {
  readonly logs: CloudWatchLogsClient;
  readonly cloudFormation?: CloudFormationClient;
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
}

/** True when an import will not change any more. */
export function isFinished(view: ImportView): boolean {
  return view.status !== 'IN_PROGRESS' && view.status !== 'QUEUED';
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

    const declared = resources.filter((r) => r.ResourceType === RESOURCE_TYPE);
    return mapLimit(declared, this.concurrency, async (resource): Promise<ImportView> => {
      const stackResource: StackResourceRef = {
        logicalResourceId: resource.LogicalResourceId ?? '',
        physicalResourceId: resource.PhysicalResourceId,
        resourceStatus: resource.ResourceStatus,
      };
      const physicalId = resource.PhysicalResourceId ?? '';
      if (!isImportId(physicalId)) {
        return { ...emptyView('QUEUED'), stackResource };
      }
      const [imp] = await this.describeImportId(physicalId);
      if (!imp) {
        return {
          ...emptyView('NOT_FOUND'),
          importId: physicalId,
          errorMessage: `DescribeImportTasks does not list import ${physicalId}${this.inRegion()}`,
          stackResource,
        };
      }
      return { ...toView(imp, await this.batchesOf(imp), this.now()), stackResource };
    });
  }
}

/** Whether a custom resource's physical ID is an import ID (not `pending:...`, not a placeholder). */
export function isImportId(physicalId: string): boolean {
  return !physicalId.startsWith(PENDING_PREFIX) && IMPORT_ID_PATTERN.test(physicalId);
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

function emptyView(status: ViewStatus): ImportView {
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
