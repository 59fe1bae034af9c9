import {
  CancelImportTaskCommand,
  CloudWatchLogsClient,
  CreateImportTaskCommand,
  DeleteLogGroupCommand,
  DescribeImportTaskBatchesCommand,
  DescribeImportTasksCommand,
  DescribeImportTasksRequest,
  Import,
  ImportBatch,
  ImportFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  IMPORT_ID_PATTERN,
  ImportAttributes,
  ImportResourceProperties,
  MAX_ACTIVE_IMPORTS,
  PENDING_PREFIX,
  REPLACING_PROPERTIES,
} from './properties';
import { classifyError, describeFailure, errorMessage, errorName, FailureContext, ImportFailure } from '../../shared/aws-errors';

/** What the handler needs from the outside world; tests pass fakes (instant sleep, fixed clock). */
export interface LifecycleDependencies {
  /** Client for every call but CreateImportTask. */
  readonly client: CloudWatchLogsClient;
  /** Client for CreateImportTask, with the SDK's own retries OFF: a blind retry would start a second import. */
  readonly createClient: CloudWatchLogsClient;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  readonly log: (line: string) => void;
  /** How long one invocation keeps retrying throttling and IAM-propagation errors. */
  readonly retryBudgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How far back a retried Create looks for the import its first attempt started. */
  readonly adoptionWindowMs: number;
}

/** A CloudFormation custom resource event, as the provider framework hands it to the user handler. */
export interface ImportEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId: string;
  readonly RequestId: string;
  readonly StackId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: ImportResourceProperties & { readonly ServiceToken?: string };
  readonly OldResourceProperties?: ImportResourceProperties & { readonly ServiceToken?: string };
  /** Present only on isComplete requests: the Data that onEvent returned. */
  readonly Data?: Record<string, string>;
}

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data: Record<string, string>;
}

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, string>;
}

/** What onEvent decided; isComplete reads it back from Data. */
type Operation = 'Create' | 'Replace' | 'Keep' | 'Delete' | 'Queue';

/** The parsed resource properties. */
interface ImportRequest {
  readonly sourceArn: string;
  readonly roleArn: string;
  readonly start?: number;
  readonly end?: number;
  readonly lookbackMillis?: number;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly destroy: boolean;
}

/** An import as the handler tracks it, from a CreateImportTask response or a DescribeImportTasks entry. */
interface ImportSummary {
  readonly importId: string;
  readonly destinationArn: string;
  readonly creationTime: number;
  readonly status: string;
  readonly bytesImported: number;
}

/** An import as DescribeImportTasks reports it. */
interface DescribedImport extends ImportSummary {
  readonly errorMessage?: string;
  readonly lastUpdatedTime?: number;
  readonly sourceArn?: string;
  readonly filter?: ImportFilter;
}

type StartOutcome = { readonly started: ImportSummary; readonly adopted: boolean } | { readonly activeImportIds: string[] };

/** Imports the service may report a little before the handler's clock: allow this much skew. */
const CLOCK_SKEW_MS = 60_000;
/** Failed batches quoted in a failure message. */
const FAILED_BATCHES_QUOTED = 3;
const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * The lifecycle of one import: create (once, adopting what a retried attempt already started),
 * update (replace or keep), delete (retain or destroy), and waiting (queue and completion).
 */
export class ImportLifecycle {
  constructor(private readonly deps: LifecycleDependencies) {}

  /** The single entry point: the provider framework calls it for onEvent and for isComplete. */
  public async handle(event: ImportEvent): Promise<OnEventResult | IsCompleteResult> {
    // Only isComplete requests carry Data (CloudFormation's own requests never do).
    return event.Data?.Operation ? this.isComplete(event) : this.onEvent(event);
  }

  public async onEvent(event: ImportEvent): Promise<OnEventResult> {
    const run = new Invocation(this.deps, event);
    switch (event.RequestType) {
      case 'Create':
        return run.create();
      case 'Update':
        return run.update();
      case 'Delete':
        return run.delete();
      default:
        throw new ImportFailure(`${event.LogicalResourceId}: unknown request type ${JSON.stringify(event.RequestType)}`);
    }
  }

  public async isComplete(event: ImportEvent): Promise<IsCompleteResult> {
    return new Invocation(this.deps, event).isComplete();
  }
}

/** One invocation: shares a retry deadline across all the calls it makes. */
class Invocation {
  private readonly startedAt: number;
  private readonly retryDeadline: number;
  private readonly request: ImportRequest;
  private readonly subject: string;

  constructor(private readonly deps: LifecycleDependencies, private readonly event: ImportEvent) {
    this.startedAt = deps.now();
    this.retryDeadline = this.startedAt + deps.retryBudgetMs;
    this.request = event.RequestType === 'Delete'
      ? parseForDelete(event.ResourceProperties, event.LogicalResourceId)
      : parseProperties(event.ResourceProperties, event.LogicalResourceId);
    this.subject = `Import ${event.LogicalResourceId} (${this.request.sourceArn})`;
  }

  // ---- onEvent ----

  public async create(): Promise<OnEventResult> {
    const outcome = await this.startOrQueue(this.startedAt - this.deps.adoptionWindowMs, []);
    return this.respond(outcome, 'Create');
  }

  public async update(): Promise<OnEventResult> {
    const oldId = this.event.PhysicalResourceId ?? '';
    const oldProps = this.event.OldResourceProperties ?? this.event.ResourceProperties;
    const changed = REPLACING_PROPERTIES.filter((key) => (oldProps[key] ?? '') !== (this.event.ResourceProperties[key] ?? ''));

    if (changed.length === 0) {
      // Settings only (waiting, timeout, removal policy): keep the import; read it to restate the attributes.
      this.deps.log(`${this.subject}: only settings changed; keeping import ${oldId}`);
      const current = isImportId(oldId) ? await this.describeImport(oldId) : undefined;
      return {
        PhysicalResourceId: oldId,
        Data: { ...(current ? attributesOf(current) : keptAttributes(oldId)), ...this.marker('Keep') },
      };
    }

    const old = isImportId(oldId) ? await this.describeImport(oldId) : undefined;
    if (old && this.isRollbackTo(old)) {
      // A failed replacement cancelled this import before its successor failed; CloudFormation now
      // rolls back to it. Starting it again would import its window twice: keep what it imported.
      this.deps.log(`${this.subject}: rolling back to import ${oldId}, cancelled by the failed replacement; keeping it as it is`);
      return { PhysicalResourceId: oldId, Data: { ...attributesOf(old), ...this.marker('Keep') } };
    }
    this.deps.log(`${this.subject}: ${changed.join(', ')} changed; starting a new import to replace ${oldId}`);
    if (old?.status === 'IN_PROGRESS') {
      // Both imports write to the same log group: stop the old one so overlapping windows are not imported twice.
      await this.cancel(oldId);
    }
    const outcome = await this.startOrQueue(this.startedAt - this.deps.adoptionWindowMs, [oldId]);
    return this.respond(outcome, 'Replace');
  }

  /** The import was cancelled moments ago and imports exactly what is asked for now: a rollback. */
  private isRollbackTo(current: DescribedImport): boolean {
    return current.status === 'CANCELLED' &&
      current.sourceArn === this.request.sourceArn &&
      this.sameWindow(current.filter) &&
      (current.lastUpdatedTime ?? 0) >= this.startedAt - this.deps.adoptionWindowMs;
  }

  public async delete(): Promise<OnEventResult> {
    const id = this.event.PhysicalResourceId ?? '';
    const result = { PhysicalResourceId: id, Data: this.marker('Delete') };
    if (!this.request.destroy) {
      this.deps.log(`${this.subject}: removal policy RETAIN; leaving import ${id} and its log group as they are`);
      return result;
    }
    if (id.startsWith(PENDING_PREFIX)) {
      // The resource never reported an import, but its isComplete may have started one since that time.
      const since = Number(id.slice(PENDING_PREFIX.length));
      const started = Number.isFinite(since) ? await this.findAdoptable(since, []) : undefined;
      if (started) await this.destroy(started);
      return result;
    }
    if (!isImportId(id)) {
      // e.g. the provider framework's marker for a Create that failed: nothing was created.
      this.deps.log(`${this.subject}: ${id} is not an import; nothing to delete`);
      return result;
    }
    const current = await this.describeImport(id);
    if (current) {
      await this.destroy(current);
    } else {
      this.deps.log(`${this.subject}: import ${id} no longer exists; nothing to delete`);
    }
    return result;
  }

  // ---- isComplete ----

  public async isComplete(): Promise<IsCompleteResult> {
    const data = this.event.Data ?? {};
    const operation = data.Operation as Operation;
    if (operation === 'Keep' || operation === 'Delete') {
      return { IsComplete: true };
    }
    const requestedAt = Number(data.RequestedAt);
    const deadline = requestedAt + this.request.timeoutMs;
    let importId = this.event.PhysicalResourceId ?? '';

    if (operation === 'Queue') {
      // Only imports this request started (since requestedAt) are adopted: never the one being replaced.
      const outcome = await this.startOrQueue(requestedAt, []);
      if ('activeImportIds' in outcome) {
        if (this.deps.now() >= deadline) {
          throw new ImportFailure(this.noSlotMessage(outcome.activeImportIds, requestedAt));
        }
        this.deps.log(`${this.subject}: waiting for a free import slot; active: ${outcome.activeImportIds.join(', ')}`);
        return { IsComplete: false };
      }
      importId = outcome.started.importId;
      if (!this.request.wait) {
        return { IsComplete: true, PhysicalResourceId: importId, Data: attributesOf(outcome.started) };
      }
      // In wait mode, go on to check it like any other started import.
      const result = await this.checkProgress(importId, deadline, requestedAt);
      return result.IsComplete ? result : { IsComplete: false };
    }

    if (!this.request.wait) {
      return { IsComplete: true };
    }
    return this.checkProgress(importId, deadline, requestedAt);
  }

  private async checkProgress(importId: string, deadline: number, requestedAt: number): Promise<IsCompleteResult> {
    const current = await this.describeImport(importId);
    if (!current) {
      throw new ImportFailure(`${this.subject}: import ${importId} is not listed by DescribeImportTasks any more. Check \`aws logs describe-import-tasks --import-id ${importId}\`.`);
    }
    const batches = await this.listBatches(importId);
    const completed = batches.filter((b) => b.status === 'COMPLETED').length;
    this.deps.log(`${this.subject}: import ${importId} ${current.status}, ${current.bytesImported} bytes imported, batches ${completed}/${batches.length} completed`);

    switch (current.status) {
      case 'COMPLETED':
        return { IsComplete: true, PhysicalResourceId: importId, Data: attributesOf(current) };
      case 'FAILED':
      case 'CANCELLED': {
        const reasons = batches.filter((b) => b.status === 'FAILED' && b.errorMessage).slice(0, FAILED_BATCHES_QUOTED)
          .map((b) => `batch ${b.batchId}: ${b.errorMessage}`);
        const said = current.errorMessage ? ` The service said: ${current.errorMessage}.` : '';
        const batchText = reasons.length ? ` Failed batches: ${reasons.join('; ')}.` : '';
        throw new ImportFailure(
          `${this.subject}: import ${importId} ended ${current.status} after ${current.bytesImported} bytes.${said}${batchText} ` +
          'Check the import role\'s permissions and the store\'s key, then replace the import (change its time range) or deploy again. ' +
          `Details: \`aws logs describe-import-task-batches --import-id ${importId}\`.`,
        );
      }
      default:
        if (this.deps.now() >= deadline) {
          const minutes = Math.round((this.deps.now() - requestedAt) / 60_000);
          throw new ImportFailure(
            `${this.subject}: import ${importId} is still ${current.status} after ${minutes} min (the resource's completionTimeout), ` +
            `with ${current.bytesImported} bytes and ${completed}/${batches.length} batches done. It goes on running in CloudWatch Logs; ` +
            'this deployment stops waiting for it (a rollback cancels it only under RemovalPolicy.DESTROY). ' +
            `Watch it with \`npx cdk-eventdatastore-import status --import-id ${importId}\` or ` +
            `\`aws logs describe-import-tasks --import-id ${importId}\`, or raise completionTimeout.`,
          );
        }
        return { IsComplete: false };
    }
  }

  // ---- the import itself ----

  /**
   * Adopts the import an earlier attempt of this request started, or starts one if a slot is free.
   * The code does not depend on which error the service returns at the active-import limit
   * (undocumented): it counts active imports before creating, and again after a failure.
   */
  private async startOrQueue(since: number, exclude: string[]): Promise<StartOutcome> {
    for (let attempt = 0; ; attempt++) {
      const adopted = await this.findAdoptable(since, exclude);
      if (adopted) {
        this.deps.log(`${this.subject}: adopting import ${adopted.importId}, started by an earlier attempt of this request`);
        return { started: adopted, adopted: true };
      }
      const active = await this.activeImportIds();
      if (active.length >= MAX_ACTIVE_IMPORTS) {
        return { activeImportIds: active };
      }
      const createdAt = this.deps.now();
      try {
        const created = await this.createImport();
        this.deps.log(`${this.subject}: started import ${created.importId} into ${created.destinationArn}`);
        return { started: created, adopted: false };
      } catch (error) {
        const kind = classifyError(error);
        if ((kind === 'transient' || kind === 'permissions') && this.deps.now() < this.retryDeadline) {
          await this.backoff('CreateImportTask', error, attempt);
          continue;
        }
        if (kind === 'transient' || kind === 'conflict' || kind === 'other') {
          // The limit's error is undocumented and a conflict may be this request's own import: look once more.
          const activeNow = await this.activeImportIds();
          if (activeNow.length >= MAX_ACTIVE_IMPORTS) return { activeImportIds: activeNow };
          const late = await this.findAdoptable(since, exclude);
          if (late) return { started: late, adopted: true };
          // An import may have ended between the refusal and the recount, so the refusal may still
          // have been the limit (several resources created at once): if enough imports were active
          // then, try again within the budget instead of failing.
          if (this.deps.now() < this.retryDeadline &&
            activeNow.length + await this.countEndedSince(createdAt) >= MAX_ACTIVE_IMPORTS) {
            await this.backoff('CreateImportTask', error, attempt);
            continue;
          }
        }
        throw describeFailure(error, this.context('CreateImportTask'));
      }
    }
  }

  private async createImport(): Promise<ImportSummary> {
    const filter = this.filterForNow();
    const response = await this.deps.createClient.send(new CreateImportTaskCommand({
      importSourceArn: this.request.sourceArn,
      importRoleArn: this.request.roleArn,
      ...(filter ? { importFilter: filter } : {}),
    }));
    if (!response.importId) {
      throw new ImportFailure(`${this.subject}: CreateImportTask returned no importId`);
    }
    return {
      importId: response.importId,
      destinationArn: withoutWildcard(response.importDestinationArn ?? ''),
      creationTime: response.creationTime ?? this.deps.now(),
      status: 'IN_PROGRESS',
      bytesImported: 0,
    };
  }

  /** The oldest IN_PROGRESS or COMPLETED import of the same source and window created since `since`. */
  private async findAdoptable(since: number, exclude: string[]): Promise<ImportSummary | undefined> {
    const imports = await this.listImports({ importSourceArn: this.request.sourceArn });
    const matches = imports
      .filter((i) => i.importStatus === 'IN_PROGRESS' || i.importStatus === 'COMPLETED')
      .filter((i) => i.importSourceArn === this.request.sourceArn)
      .filter((i) => (i.creationTime ?? 0) >= since - CLOCK_SKEW_MS)
      .filter((i) => !exclude.includes(i.importId ?? ''))
      .filter((i) => this.sameWindow(i.importFilter))
      .sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0));
    return matches.length ? summaryOf(matches[0]) : undefined;
  }

  private sameWindow(filter: ImportFilter | undefined): boolean {
    const { start, end, lookbackMillis } = this.request;
    if (lookbackMillis !== undefined) {
      return filter?.startEventTime !== undefined && filter.endEventTime !== undefined &&
        filter.endEventTime - filter.startEventTime === lookbackMillis;
    }
    if (start !== undefined || end !== undefined) {
      return filter?.startEventTime === start && filter?.endEventTime === end;
    }
    // No filter asked for: the service may report the window it chose (undocumented), so any will do.
    return true;
  }

  private filterForNow(): ImportFilter | undefined {
    const { start, end, lookbackMillis } = this.request;
    if (lookbackMillis !== undefined) {
      const now = this.deps.now();
      return { startEventTime: Math.max(0, now - lookbackMillis), endEventTime: now };
    }
    if (start === undefined && end === undefined) return undefined;
    return { startEventTime: start, endEventTime: end };
  }

  /** Cancels if still running, then deletes the log group unless another import writes or wrote to it. */
  private async destroy(target: ImportSummary): Promise<void> {
    if (target.status === 'IN_PROGRESS') {
      await this.cancel(target.importId);
    }
    if (!target.destinationArn) return;
    const others = [
      ...await this.listImports({ importStatus: 'IN_PROGRESS' }),
      ...await this.listImports({ importStatus: 'COMPLETED' }),
    ].filter((i) => i.importId !== target.importId && withoutWildcard(i.importDestinationArn ?? '') === target.destinationArn);
    const logGroupName = logGroupNameOf(target.destinationArn);
    if (others.length > 0) {
      this.deps.log(`${this.subject}: keeping log group ${logGroupName}: imports ${others.map((o) => o.importId).join(', ')} write or wrote to it`);
      return;
    }
    try {
      await this.call('DeleteLogGroup', () => this.deps.client.send(new DeleteLogGroupCommand({ logGroupName })));
      this.deps.log(`${this.subject}: deleted log group ${logGroupName}`);
    } catch (error) {
      if (error instanceof ImportFailure && /ResourceNotFoundException/.test(error.message)) {
        this.deps.log(`${this.subject}: log group ${logGroupName} is already gone`);
        return;
      }
      throw error;
    }
  }

  private async cancel(importId: string): Promise<void> {
    try {
      await this.call('CancelImportTask', () => this.deps.client.send(new CancelImportTaskCommand({ importId })));
      this.deps.log(`${this.subject}: cancelled import ${importId}; the data it imported stays`);
    } catch (error) {
      // It may have finished between the look and the cancel: that is fine.
      const current = await this.describeImport(importId);
      if (current && current.status !== 'IN_PROGRESS') return;
      throw error;
    }
  }

  // ---- reading ----

  private async describeImport(importId: string): Promise<DescribedImport | undefined> {
    try {
      const [found] = (await this.listImports({ importId })).filter((i) => i.importId === importId);
      return found
        ? {
          ...summaryOf(found),
          errorMessage: found.errorMessage,
          lastUpdatedTime: found.lastUpdatedTime,
          sourceArn: found.importSourceArn,
          filter: found.importFilter,
        }
        : undefined;
    } catch (error) {
      if (error instanceof ImportFailure && /ResourceNotFoundException/.test(error.message)) return undefined;
      throw error;
    }
  }

  private async activeImportIds(): Promise<string[]> {
    return (await this.listImports({ importStatus: 'IN_PROGRESS' })).map((i) => i.importId ?? '');
  }

  /** Imports of the account that stopped being active since `since` (allowing for clock skew). */
  private async countEndedSince(since: number): Promise<number> {
    return (await this.listImports({}))
      .filter((i) => i.importStatus !== 'IN_PROGRESS' && (i.lastUpdatedTime ?? 0) >= since - CLOCK_SKEW_MS).length;
  }

  private async listImports(filter: DescribeImportTasksRequest): Promise<Import[]> {
    const imports: Import[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('DescribeImportTasks', () =>
        this.deps.client.send(new DescribeImportTasksCommand({ ...filter, limit: 50, nextToken })));
      imports.push(...(page.imports ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return imports;
  }

  private async listBatches(importId: string): Promise<ImportBatch[]> {
    const batches: ImportBatch[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('DescribeImportTaskBatches', () =>
        this.deps.client.send(new DescribeImportTaskBatchesCommand({ importId, limit: 50, nextToken })));
      batches.push(...(page.importBatches ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return batches;
  }

  /** A read or a cancel, retried on throttling and IAM propagation until the invocation's deadline. */
  private async call<T>(name: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const kind = classifyError(error);
        if ((kind === 'transient' || kind === 'permissions') && this.deps.now() < this.retryDeadline) {
          await this.backoff(name, error, attempt);
          continue;
        }
        throw describeFailure(error, this.context(name));
      }
    }
  }

  /** Full-jitter exponential backoff, never past the invocation's deadline. */
  private async backoff(call: string, error: unknown, attempt: number): Promise<void> {
    const ceiling = Math.min(this.deps.maxDelayMs, this.deps.baseDelayMs * 2 ** Math.min(attempt, 20));
    const delay = Math.min(Math.round(ceiling / 2 + (this.deps.random() * ceiling) / 2), Math.max(0, this.retryDeadline - this.deps.now()));
    this.deps.log(`${this.subject}: ${call} answered ${errorName(error)} (${errorMessage(error)}); trying again in ${delay} ms`);
    await this.deps.sleep(delay);
  }

  // ---- responses ----

  private respond(outcome: StartOutcome, operation: 'Create' | 'Replace'): OnEventResult {
    if ('activeImportIds' in outcome) {
      this.deps.log(`${this.subject}: ${outcome.activeImportIds.length} imports active (${outcome.activeImportIds.join(', ')}); queued until a slot frees`);
      return { PhysicalResourceId: `${PENDING_PREFIX}${this.startedAt}`, Data: this.marker('Queue') };
    }
    return { PhysicalResourceId: outcome.started.importId, Data: { ...attributesOf(outcome.started), ...this.marker(operation) } };
  }

  private marker(operation: Operation): Record<string, string> {
    return { Operation: operation, RequestedAt: String(this.startedAt) };
  }

  private context(call: string): FailureContext {
    return {
      subject: this.subject,
      call,
      roleArn: this.request.roleArn,
      sourceArn: this.request.sourceArn,
      triedForSeconds: (this.deps.now() - this.startedAt) / 1000,
    };
  }

  private noSlotMessage(active: string[], requestedAt: number): string {
    const minutes = Math.round((this.deps.now() - requestedAt) / 60_000);
    return `${this.subject}: no free import slot after ${minutes} min. CloudWatch Logs allows ${MAX_ACTIVE_IMPORTS} active imports ` +
      `per account and these are IN_PROGRESS: ${active.join(', ')}. Wait for one to finish ` +
      '(`npx cdk-eventdatastore-import status`) or cancel one, then deploy again; or set waitForCompletion: true to queue ' +
      'for up to the completionTimeout.';
  }
}

// ---- pure helpers ----

function parseProperties(props: ImportResourceProperties, logicalId: string): ImportRequest {
  const number = (key: keyof ImportResourceProperties): number | undefined => {
    const raw = props[key];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new ImportFailure(`Import ${logicalId}: ${key} must be a number of milliseconds >= 0, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  if (!props.ImportSourceArn || !props.ImportRoleArn) {
    throw new ImportFailure(`Import ${logicalId}: ImportSourceArn and ImportRoleArn are required`);
  }
  return {
    sourceArn: props.ImportSourceArn,
    roleArn: props.ImportRoleArn,
    start: number('StartEventTime'),
    end: number('EndEventTime'),
    lookbackMillis: number('LookbackMillis'),
    wait: props.WaitForCompletion === 'true',
    timeoutMs: (number('TimeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    destroy: (props.RemovalPolicy ?? '').toLowerCase() === 'destroy',
  };
}

/** A Delete must never fail on properties a Create rejected: then it retains, and touches nothing. */
function parseForDelete(props: ImportResourceProperties, logicalId: string): ImportRequest {
  try {
    return parseProperties(props, logicalId);
  } catch {
    return { sourceArn: props.ImportSourceArn ?? '', roleArn: props.ImportRoleArn ?? '', wait: false, timeoutMs: 0, destroy: false };
  }
}

function isImportId(id: string): boolean {
  return IMPORT_ID_PATTERN.test(id);
}

function summaryOf(i: Import): ImportSummary {
  return {
    importId: i.importId ?? '',
    destinationArn: withoutWildcard(i.importDestinationArn ?? ''),
    creationTime: i.creationTime ?? 0,
    status: i.importStatus ?? 'UNKNOWN',
    bytesImported: i.importStatistics?.bytesImported ?? 0,
  };
}

function attributesOf(s: ImportSummary): Record<string, string> & ImportAttributes {
  return {
    ImportId: s.importId,
    DestinationLogGroupArn: s.destinationArn,
    DestinationLogGroupName: logGroupNameOf(s.destinationArn),
    CreationTime: new Date(s.creationTime).toISOString(),
    ImportStatus: s.status,
    BytesImported: String(s.bytesImported),
  };
}

/** Attributes for an import that can no longer be described: the ID is all that is known. */
function keptAttributes(importId: string): Record<string, string> {
  return { ImportId: importId, DestinationLogGroupArn: '', DestinationLogGroupName: '', CreationTime: '', ImportStatus: 'UNKNOWN', BytesImported: '0' };
}

function withoutWildcard(arn: string): string {
  return arn.replace(/:\*$/, '');
}

/** `arn:aws:logs:r:a:log-group:NAME` -> NAME (whichever spelling the service chose). */
export function logGroupNameOf(arn: string): string {
  const marker = ':log-group:';
  const at = arn.indexOf(marker);
  return at < 0 ? '' : withoutWildcard(arn.slice(at + marker.length));
}
