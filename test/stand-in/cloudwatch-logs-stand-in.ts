/**
 * A loopback HTTP stand-in for the CloudWatch Logs import API, for tests.
 *
 * Neither LocalStack nor moto implement CreateImportTask, so tests drive this
 * instead: a real `@aws-sdk/client-cloudwatch-logs` client pointed at
 * `standIn.endpoint` talks awsJson1_1 to it exactly as it would to AWS.
 * It implements CreateImportTask, DescribeImportTasks, DescribeImportTaskBatches,
 * CancelImportTask, DeleteLogGroup and FilterLogEvents, enforces the documented rules, and offers
 * fault knobs (throttling, 5xx, dropped connections, slow responses...) for the
 * behaviours AWS leaves undocumented. SigV4 signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { CloudWatchLogsClient, CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { LoopbackServer } from './loopback-server';
import { ServiceModel } from './service-shapes';

/** The SDK's model of CloudWatch Logs: every body the stand-in receives or sends is checked against it. */
const MODEL = ServiceModel.of('@aws-sdk/client-cloudwatch-logs');

/** Status of an import task or of one of its batches. */
/** Who called: another account (an assumed role) or another region; undefined: the stand-in's own. */
interface Caller {
  readonly account?: string;
  readonly region?: string;
}

export type ImportStatus = 'IN_PROGRESS' | 'CANCELLED' | 'COMPLETED' | 'FAILED';

/** Operations the stand-in implements (any other target gets `UnknownOperationException`). */
export type StandInOperation =
  | 'CreateImportTask'
  | 'DescribeImportTasks'
  | 'DescribeImportTaskBatches'
  | 'CancelImportTask'
  | 'DeleteLogGroup'
  | 'FilterLogEvents';

/** Settings of the stand-in; every one can be changed later through `standIn.options`. */
export interface StandInOptions {
  /** Region used when an ARN does not say. Default `us-east-1`. */
  region?: string;
  /** Account used when an ARN does not say. Default `123456789012`. */
  account?: string;
  /** Error name returned when the active-imports limit is hit (unknown in AWS). Default `LimitExceededException`. */
  limitError?: string;
  /** Destination log group `aws/cloudtrail/<id>` or `/aws/cloudtrail/<id>`. Default `no-leading-slash`. */
  destinationNaming?: 'no-leading-slash' | 'leading-slash';
  /** What a cancelled import leaves behind (unknown in AWS). Default `imported-data`. */
  cancelLeaves?: 'imported-data' | 'nothing';
  /** Batches per import created through the API or `addImport`. Default 4. */
  batchesPerImport?: number;
  /** `bytesImported` added per completed batch. Default 1 MiB. */
  bytesPerBatch?: number;
  /** Batches every IN_PROGRESS import advances on each DescribeImportTasks call; 0 = only `tick()`. Default 0. */
  autoAdvance?: number;
  /** Delay before every response (or dropped connection), in ms. Default 0. */
  delayMs?: number;
  /** Most IN_PROGRESS imports allowed in the account. Default 3. */
  maxActiveImports?: number;
  /** DescribeImportTasks with an unknown importId: empty list or `ResourceNotFoundException`. Default `empty`. */
  describeUnknownImportId?: 'empty' | 'not-found';
  /** 1-based batch at which every import fails (a store's own `failAtBatch` wins). Default none. */
  failAtBatch?: number;
  /** Event data store statuses that count as "ACTIVE" (unknown in AWS). Default `['ENABLED']`. */
  activeStoreStatuses?: string[];
  /** How long a new import stays out of DescribeImportTasks (eventual consistency; unknown in AWS), ms. Default 0. */
  listingLagMs?: number;
  /**
   * The order FilterLogEvents returns events in (not documented across streams): `ascending` by
   * timestamp, or `as-delivered` (the order they were added). Default `as-delivered`.
   */
  filterOrder?: 'ascending' | 'as-delivered';
}

/** `StandInOptions` with defaults filled in. */
export type ResolvedStandInOptions = Required<Omit<StandInOptions, 'failAtBatch'>> & Pick<StandInOptions, 'failAtBatch'>;

/** One batch of an import, as DescribeImportTaskBatches returns it. */
export interface ImportBatchRecord {
  batchId: string;
  status: ImportStatus;
  errorMessage?: string;
}

/** An import task: the service's `Import` fields plus stand-in bookkeeping. */
export interface ImportRecord {
  importId: string;
  importSourceArn: string;
  importStatus: ImportStatus;
  importDestinationArn: string;
  importStatistics: { bytesImported: number };
  importFilter?: { startEventTime?: number; endEventTime?: number };
  /** Epoch milliseconds. */
  creationTime: number;
  /** Epoch milliseconds. */
  lastUpdatedTime: number;
  errorMessage?: string;
  /** importRoleArn of the request (the service never returns it). */
  roleArn?: string;
  /** Batches in order; all start IN_PROGRESS and settle one per tick. */
  batches: ImportBatchRecord[];
  /** 1-based batch at which this import fails; overrides the store's and the global knob. */
  failAtBatch?: number;
  /** True when created through CreateImportTask, false for `addImport`. */
  createdByApi: boolean;
}

/** An event data store the stand-in knows about. */
export interface EventDataStoreRecord {
  arn: string;
  /** Default 366 (the CloudTrail default for extendable retention pricing). */
  retentionDays: number;
  /** Default `ENABLED`. */
  status: string;
  /** 1-based batch at which imports from this store fail. */
  failAtBatch?: number;
  /** An import created from this store completes this many ms after CreateImportTask (a timer; for simulated durations). */
  completeAfterMs?: number;
}

/** One request the stand-in received. */
export interface CallRecord {
  /** Operation name from `X-Amz-Target`, without the `Logs_20140328.` prefix. */
  operation: string;
  /** Parsed JSON body (undefined if it was not JSON). */
  request: any;
  /** Error name returned, if any. */
  error?: string;
  /** True when the connection was destroyed instead of answered. */
  dropped?: boolean;
}

const TARGET_PREFIX = 'Logs_20140328.';
const DAY_MS = 86_400_000;
const MAX_LIMIT = 50;
const STATUSES: readonly string[] = ['IN_PROGRESS', 'CANCELLED', 'COMPLETED', 'FAILED'];

/** An error the service returns: becomes `{"__type": code, "message": ...}` with `status`. */
class ServiceError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

type FaultKind = 'throttle' | 'server' | 'drop' | 'dropAfter' | 'accessDenied' | 'conflict' | 'limit';
interface FaultRule { kind: FaultKind; remaining: number; operation?: string }
interface Outcome { status: number; body: unknown; error?: string }

/** The CloudWatch Logs stand-in. Create with `CloudWatchLogsStandIn.start()`, end with `stop()`. */
export class CloudWatchLogsStandIn {
  /** Starts a stand-in listening on 127.0.0.1 on a random free port. */
  public static async start(options: StandInOptions = {}): Promise<CloudWatchLogsStandIn> {
    const standIn = new CloudWatchLogsStandIn(options);
    standIn.server = await LoopbackServer.listen((req, res) => standIn.onRequest(req, res));
    return standIn;
  }

  /** Current settings; change fields at any time, they apply from the next request. */
  public readonly options: ResolvedStandInOptions;
  /** Every import ever created or added, in creation order (live records). */
  public readonly imports: ImportRecord[] = [];
  /** Every request received, in order, including faulted ones. */
  public readonly calls: CallRecord[] = [];
  /**
   * Where a request or a response of the stand-in did not match the SDK's service model (unknown
   * member, missing required member, wrong type), as `<operation>: <violation>`. Tests of what
   * ships assert it empty.
   */
  public readonly shapeViolations: string[] = [];
  /**
   * Runs before each request is processed (after its fault knobs are consulted), e.g. to let the
   * world change between two calls: imports of another stack starting between a slot check and
   * CreateImportTask.
   */
  public beforeProcessing?: (operation: string, request: any) => void;

  private server!: LoopbackServer;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stores = new Map<string, EventDataStoreRecord>();
  private readonly logGroups = new Set<string>();
  private readonly deleted: string[] = [];
  private readonly cancelled: string[] = [];
  private faults: FaultRule[] = [];

  private constructor(options: StandInOptions) {
    this.options = {
      region: 'us-east-1',
      account: '123456789012',
      limitError: 'LimitExceededException',
      destinationNaming: 'no-leading-slash',
      cancelLeaves: 'imported-data',
      batchesPerImport: 4,
      bytesPerBatch: 1024 * 1024,
      autoAdvance: 0,
      delayMs: 0,
      maxActiveImports: 3,
      describeUnknownImportId: 'empty',
      activeStoreStatuses: ['ENABLED'],
      listingLagMs: 0,
      filterOrder: 'as-delivered',
      ...definedOnly(options),
    };
  }

  /** Base URL to give the SDK client as `endpoint`, e.g. `http://127.0.0.1:40123`. */
  public get endpoint(): string {
    return this.server.url;
  }

  /** Closes the server and every open connection; safe to call twice. */
  public async stop(): Promise<void> {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    await this.server.close();
  }

  // ---- setup ----

  /** Registers (or replaces) an event data store that imports may read from. */
  public addEventDataStore(store: { arn: string; retentionDays?: number; status?: string; failAtBatch?: number; completeAfterMs?: number }): void {
    this.stores.set(store.arn, { retentionDays: 366, status: 'ENABLED', ...definedOnly(store) });
  }

  /** Adds a pre-existing import (e.g. another user's IN_PROGRESS one); its destination log group exists. */
  public addImport(init: Partial<ImportRecord> & { importSourceArn: string }): ImportRecord {
    const status = init.importStatus ?? 'IN_PROGRESS';
    const batches = init.batches ?? this.batchesFor(status, init.errorMessage);
    const done = batches.filter((b) => b.status === 'COMPLETED').length;
    const creationTime = init.creationTime ?? Date.now();
    const record: ImportRecord = {
      importId: randomUUID(),
      importDestinationArn: this.destinationArnFor(init.importSourceArn),
      importStatistics: { bytesImported: done * this.options.bytesPerBatch },
      lastUpdatedTime: creationTime,
      createdByApi: false,
      ...definedOnly(init),
      importStatus: status,
      creationTime,
      batches,
    };
    if (status === 'FAILED' && record.errorMessage === undefined) record.errorMessage = 'Simulated failure';
    this.imports.push(record);
    this.logGroups.add(logGroupNameOf(record.importDestinationArn));
    return record;
  }

  /** Marks a log group as existing (e.g. to test DeleteLogGroup without an import). */
  public addLogGroup(name: string): void {
    this.logGroups.add(name);
  }


  // ---- progress ----

  /** Advances every IN_PROGRESS import by `batches` batches (default 1). */
  public tick(batches = 1): void {
    this.imports.filter((i) => i.importStatus === 'IN_PROGRESS').forEach((i) => this.advance(i, batches));
  }

  /** Completes every remaining batch of an IN_PROGRESS import. */
  public completeImport(id: string): void {
    const record = this.inProgress(id);
    this.advance(record, record.batches.length, false);
  }

  /** Fails an IN_PROGRESS import: its next batch FAILED with `message`, later batches CANCELLED. */
  public failImport(id: string, message: string): void {
    this.fail(this.inProgress(id), message);
  }

  // ---- inspection ----

  /** Number of requests received, optionally of one operation. */
  public callCount(operation?: string): number {
    return this.calls.filter((c) => operation === undefined || c.operation === operation).length;
  }

  /** Imports created through CreateImportTask (not `addImport`), in creation order. */
  public createdImports(): ImportRecord[] {
    return this.imports.filter((i) => i.createdByApi);
  }

  /** importIds cancelled through CancelImportTask, in order. */
  public cancelledImportIds(): string[] {
    return [...this.cancelled];
  }

  /** Log group names deleted through DeleteLogGroup, in order. */
  public deletedLogGroups(): string[] {
    return [...this.deleted];
  }

  /** Whether a log group exists (created by an import or `addLogGroup`, and not deleted). */
  public logGroupExists(name: string): boolean {
    return this.logGroups.has(name);
  }

  // ---- fault knobs (each call consumes at most one, in the order they were set) ----

  /** The next `n` calls (of `operation`, if given) fail with 400 `ThrottlingException` (the SDK retries these). */
  public throttleNext(n: number, operation?: string): void {
    this.addFault('throttle', n, operation);
  }

  /** The next `n` calls fail with 500 `ServiceUnavailableException` (the SDK retries these). */
  public serverErrorNext(n: number, operation?: string): void {
    this.addFault('server', n, operation);
  }

  /** The next `n` calls get their connection destroyed without being processed. */
  public dropConnectionNext(n: number, operation?: string): void {
    this.addFault('drop', n, operation);
  }

  /** The next `n` calls are processed (e.g. the import IS created), then the connection is destroyed unanswered. */
  public dropAfterProcessingNext(n: number, operation?: string): void {
    this.addFault('dropAfter', n, operation);
  }

  /** The first `k` calls from now fail with `AccessDeniedException`, like a role whose policy has not propagated. */
  public accessDeniedFirst(k: number, operation?: string): void {
    this.addFault('accessDenied', k, operation);
  }

  /** The next `n` CreateImportTask calls fail with `ConflictException`. */
  public conflictNext(n: number): void {
    this.addFault('conflict', n, 'CreateImportTask');
  }

  /**
   * The next `n` CreateImportTask calls are refused at the active-imports limit (`limitError`, with the
   * limit's message) whatever DescribeImportTasks lists: an import that has just ended, or a cancelled
   * one, may still hold its slot (unknown in AWS). Nothing is created.
   */
  public refuseAtLimitNext(n: number): void {
    this.addFault('limit', n, 'CreateImportTask');
  }

  /** Forgets every pending fault. */
  public clearFaults(): void {
    this.faults = [];
  }

  // ---- HTTP ----

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let request: any;
    try {
      request = body === '' ? {} : JSON.parse(body);
    } catch {
      request = undefined;
    }
    const call: CallRecord = { operation, request };
    this.calls.push(call);
    if (request !== undefined) this.recordViolations(operation, MODEL.checkRequest(operation, request));

    const fault = this.takeFault(operation, false);
    let outcome: Outcome | 'drop';
    if (fault) {
      outcome = fault === 'limit' ? this.limitRefusal() : faultOutcome(fault);
    } else {
      this.beforeProcessing?.(operation, request);
      outcome = this.process(operation, request, this.callerOf(req));
      // The operation has happened; losing the reply now is what makes a retried CreateImportTask a duplicate.
      if (outcome.error) call.error = outcome.error;
      if (this.takeFault(operation, true)) outcome = 'drop';
    }
    if (outcome === 'drop') call.dropped = true;
    else if (outcome.error) call.error = outcome.error;

    const send = () => {
      if (outcome === 'drop') {
        req.socket.destroy();
        return;
      }
      const headers: http.OutgoingHttpHeaders = {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      };
      if (outcome.error) headers['x-amzn-errortype'] = outcome.error;
      this.recordViolations(operation, outcome.error
        ? MODEL.checkError(outcome.error, outcome.body)
        : MODEL.checkResponse(operation, JSON.parse(JSON.stringify(outcome.body))));
      res.writeHead(outcome.status, headers);
      res.end(JSON.stringify(outcome.body));
    };
    if (this.options.delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, this.options.delayMs);
      this.timers.add(timer);
    } else {
      send();
    }
  }

  /** The caller's account (from the access key) and region (from the credential scope) of its SigV4 signature; undefined: the stand-in's own. */
  private callerOf(req: http.IncomingMessage): Caller {
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    if (!scope) return {};
    return { account: this.accountOfAccessKey?.(scope[1]), region: scope[2] };
  }

  private process(operation: string, request: any, caller: Caller = {}): Outcome {
    try {
      if (request === undefined || typeof request !== 'object' || request === null) {
        throw new ServiceError('SerializationException', 'Request body is not a JSON object');
      }
      return { status: 200, body: this.dispatch(operation, request, caller) };
    } catch (e) {
      const err = e instanceof ServiceError ? e : new ServiceError('InternalFailure', String(e), 500);
      return { status: err.status, body: { __type: err.code, message: err.message }, error: err.code };
    }
  }

  private dispatch(operation: string, request: any, caller: Caller): unknown {
    switch (operation) {
      case 'CreateImportTask': return this.createImportTask(request);
      case 'DescribeImportTasks': return this.describeImportTasks(request);
      case 'DescribeImportTaskBatches': return this.describeImportTaskBatches(request);
      case 'CancelImportTask': return this.cancelImportTask(request);
      case 'DeleteLogGroup': return this.deleteLogGroup(request);
      case 'FilterLogEvents': return this.filterLogEvents(request, caller);
      default: throw new ServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  // ---- operations ----

  private createImportTask(request: any): unknown {
    const sourceArn = requireString(request, 'importSourceArn');
    const roleArn = requireString(request, 'importRoleArn');
    const filter = request.importFilter ?? {};
    const start: unknown = filter.startEventTime;
    const end: unknown = filter.endEventTime;
    for (const [name, value] of [['startEventTime', start], ['endEventTime', end]] as const) {
      if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
        throw new ServiceError('InvalidParameterException', `${name} must be a non-negative number of epoch milliseconds`);
      }
    }
    if (typeof start === 'number' && typeof end === 'number' && start > end) {
      throw new ServiceError('InvalidParameterException', 'startEventTime must be less than or equal to endEventTime');
    }
    if (!sourceArn.startsWith('arn:')) throw new ServiceError('InvalidParameterException', `Invalid importSourceArn: ${sourceArn}`);

    const store = this.stores.get(sourceArn);
    if (!store) throw new ServiceError('ResourceNotFoundException', `Event data store ${sourceArn} not found`);
    if (!this.options.activeStoreStatuses.includes(store.status)) {
      throw new ServiceError('InvalidOperationException', `The import source must be in an ACTIVE state; it is ${store.status}`);
    }
    const now = Date.now();
    const oldest = now - store.retentionDays * DAY_MS;
    const outside = (t: unknown) => typeof t === 'number' && (t < oldest || t > now);
    if (outside(start) || outside(end)) {
      throw new ServiceError('InvalidParameterException',
        `The data being imported must be within the source's retention period (${store.retentionDays} days)`);
    }
    const active = this.imports.filter((i) => i.importStatus === 'IN_PROGRESS').length;
    if (active >= this.options.maxActiveImports) {
      throw new ServiceError(this.options.limitError, limitMessage(this.options.maxActiveImports));
    }

    const record = this.addImport({
      importSourceArn: sourceArn,
      roleArn,
      importFilter: request.importFilter === undefined ? undefined : { startEventTime: filter.startEventTime, endEventTime: filter.endEventTime },
      creationTime: now,
      createdByApi: true,
    });
    if (store.completeAfterMs !== undefined) this.completeLater(record, store.completeAfterMs);
    return { importId: record.importId, importDestinationArn: record.importDestinationArn, creationTime: record.creationTime };
  }

  private describeImportTasks(request: any): unknown {
    const limit = limitOf(request, MAX_LIMIT);
    const status = optionalStatus(request.importStatus, 'importStatus');
    if (request.importId !== undefined && this.options.describeUnknownImportId === 'not-found'
      && !this.imports.some((i) => i.importId === request.importId)) {
      throw new ServiceError('ResourceNotFoundException', `Import ${request.importId} not found`);
    }
    // Progress happens as if time passed between polls.
    if (this.options.autoAdvance > 0) this.tick(this.options.autoAdvance);

    // Newest first; the token holds the creation index of the last item returned, so
    // imports created between pages neither repeat nor shift later pages.
    const after = decodeToken(request.nextToken);
    const matching = this.imports
      .map((record, index) => ({ record, index }))
      .reverse()
      .filter(({ record }) => Date.now() - record.creationTime >= this.options.listingLagMs)
      .filter(({ record, index }) => (after === undefined || index < after)
        && (request.importId === undefined || record.importId === request.importId)
        && (status === undefined || record.importStatus === status)
        && (request.importSourceArn === undefined || record.importSourceArn === request.importSourceArn));
    const page = matching.slice(0, limit);
    return {
      imports: page.map(({ record }) => toWireImport(record)),
      nextToken: matching.length > limit ? encodeToken(page[page.length - 1].index) : undefined,
    };
  }

  private describeImportTaskBatches(request: any): unknown {
    const importId = requireString(request, 'importId');
    const limit = limitOf(request, 10);
    const wanted: unknown = request.batchImportStatus;
    if (wanted !== undefined && !Array.isArray(wanted)) throw new ServiceError('InvalidParameterException', 'batchImportStatus must be a list');
    (wanted ?? []).forEach((s: unknown) => optionalStatus(s, 'batchImportStatus'));
    const record = this.find(importId);

    const start = decodeToken(request.nextToken) ?? 0;
    const matching = record.batches
      .map((batch, index) => ({ batch, index }))
      .filter(({ batch, index }) => index >= start && (wanted === undefined || wanted.includes(batch.status)));
    const page = matching.slice(0, limit);
    return {
      importSourceArn: record.importSourceArn,
      importId: record.importId,
      importBatches: page.map(({ batch }) => ({ ...batch })),
      nextToken: matching.length > limit ? encodeToken(page[page.length - 1].index + 1) : undefined,
    };
  }

  private cancelImportTask(request: any): unknown {
    const record = this.find(requireString(request, 'importId'));
    if (record.importStatus !== 'IN_PROGRESS') {
      throw new ServiceError('InvalidOperationException', `Import ${record.importId} is ${record.importStatus}, not IN_PROGRESS`);
    }
    record.importStatus = 'CANCELLED';
    record.lastUpdatedTime = Date.now();
    record.batches.filter((b) => b.status === 'IN_PROGRESS').forEach((b) => b.status = 'CANCELLED');
    this.cancelled.push(record.importId);

    // AWS does not say what a cancel leaves behind; 'nothing' removes the log group unless another import still uses it.
    const group = logGroupNameOf(record.importDestinationArn);
    const shared = this.imports.some((i) => i !== record && i.importStatus !== 'CANCELLED' && logGroupNameOf(i.importDestinationArn) === group);
    if (this.options.cancelLeaves === 'nothing' && !shared) this.logGroups.delete(group);

    return {
      importId: record.importId,
      importStatistics: { ...record.importStatistics },
      importStatus: record.importStatus,
      creationTime: record.creationTime,
      lastUpdatedTime: record.lastUpdatedTime,
    };
  }

  private deleteLogGroup(request: any): unknown {
    const name = requireString(request, 'logGroupName');
    if (!this.logGroups.delete(name)) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    this.deleted.push(name);
    return {};
  }

  // ---- log events (FilterLogEvents) ----

  // Kept with the methods that use it, so that FilterLogEvents is one block.
  // eslint-disable-next-line @typescript-eslint/member-ordering
  private readonly logEvents = new Map<string, Array<{ timestamp: number; message?: string; ingestionTime: number; eventId: string }>>();

  /**
   * Tells which account a request's access key is of (e.g. an STS stand-in's sessions); undefined:
   * the stand-in's own account. Only FilterLogEvents reads other accounts' log groups.
   */
  // eslint-disable-next-line @typescript-eslint/member-ordering
  public accountOfAccessKey?: (accessKeyId: string) => string | undefined;

  /**
   * Adds events to a log group (creating the group): what a telemetry rule would deliver. With
   * `account`, to that account's group (an organisation rule delivers into each member account).
   */
  public addLogEvents(logGroupName: string, events: ReadonlyArray<{ timestamp: number; message?: string }>, account?: string, region?: string): void {
    const key = this.groupKey(logGroupName, { account, region });
    if (key === logGroupName) this.logGroups.add(logGroupName);
    else this.memberGroups.add(key);
    const stored = this.logEvents.get(key) ?? [];
    for (const e of events) stored.push({ timestamp: e.timestamp, message: e.message ?? '{}', ingestionTime: e.timestamp, eventId: randomUUID() });
    this.logEvents.set(key, stored);
  }

  // eslint-disable-next-line @typescript-eslint/member-ordering
  private readonly memberGroups = new Set<string>();

  private groupKey(logGroupName: string, caller: Caller): string {
    const account = caller.account === undefined || caller.account === this.options.account ? '' : `${caller.account}|`;
    const region = caller.region === undefined || caller.region === this.options.region ? '' : `${caller.region}|`;
    return `${region}${account}${logGroupName}`;
  }

  /**
   * FilterLogEvents on one group (`logGroupName` or `logGroupIdentifier`, name or ARN): events from
   * `startTime` to `endTime` (inclusive, epoch ms), in `options.filterOrder`, `limit` per page (default 10,000),
   * `nextToken` for the rest; ResourceNotFoundException for a group that does not exist. No filter patterns.
   */
  private filterLogEvents(request: any, caller: Caller = {}): unknown {
    const name: unknown = request.logGroupName ?? request.logGroupIdentifier;
    if (typeof name !== 'string' || name === '') throw new ServiceError('InvalidParameterException', 'logGroupName or logGroupIdentifier is required');
    if (request.logGroupName !== undefined && request.logGroupIdentifier !== undefined) {
      throw new ServiceError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    const group = this.groupKey(name.startsWith('arn:') ? logGroupNameOf(name) : name, caller);
    if (!this.logGroups.has(group) && !this.memberGroups.has(group)) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    const limit: unknown = request.limit ?? 10_000;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new ServiceError('InvalidParameterException', 'limit must be between 1 and 10000');
    }
    const start = typeof request.startTime === 'number' ? request.startTime : -Infinity;
    const end = typeof request.endTime === 'number' ? request.endTime : Infinity;
    const from = decodeToken(request.nextToken) ?? 0;
    const stored = this.logEvents.get(group) ?? [];
    // Across streams, the order is not documented: as delivered, or oldest first (options.filterOrder).
    const ordered = this.options.filterOrder === 'ascending' ? [...stored].sort((x, y) => x.timestamp - y.timestamp) : stored;
    const matching = ordered
      .map((event, index) => ({ event, index }))
      .filter(({ event, index }) => index >= from && event.timestamp >= start && event.timestamp <= end);
    const page = matching.slice(0, limit);
    return {
      events: page.map(({ event }) => ({ logStreamName: 'stand-in', ...event })),
      nextToken: matching.length > limit ? encodeToken(page[page.length - 1].index + 1) : undefined,
    };
  }

  // ---- helpers ----

  private recordViolations(operation: string, violations: string[]): void {
    this.shapeViolations.push(...violations.map((v) => `${operation}: ${v}`));
  }

  private addFault(kind: FaultKind, n: number, operation?: string): void {
    if (n > 0) this.faults.push({ kind, remaining: n, operation });
  }

  /** Consumes one matching fault: a pre-processing one, or (after=true) a drop-after-processing one. */
  private takeFault(operation: string, after: boolean): FaultKind | undefined {
    const rule = this.faults.find((f) => (f.kind === 'dropAfter') === after
      && (f.operation === undefined || f.operation === operation));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults = this.faults.filter((f) => f !== rule);
    return rule.kind;
  }

  private limitRefusal(): Outcome {
    const code = this.options.limitError;
    return { status: 400, body: { __type: code, message: limitMessage(this.options.maxActiveImports) }, error: code };
  }

  private advance(record: ImportRecord, batches: number, allowFailure = true): void {
    const store = this.stores.get(record.importSourceArn);
    const failAt = record.failAtBatch ?? store?.failAtBatch ?? this.options.failAtBatch;
    for (let n = 0; n < batches && record.importStatus === 'IN_PROGRESS'; n++) {
      const next = record.batches.findIndex((b) => b.status === 'IN_PROGRESS');
      if (allowFailure && next >= 0 && failAt === next + 1) {
        this.fail(record, `Simulated failure of batch ${next + 1}`);
        return;
      }
      if (next >= 0) {
        record.batches[next].status = 'COMPLETED';
        record.importStatistics.bytesImported += this.options.bytesPerBatch;
      }
      record.lastUpdatedTime = Date.now();
      if (!record.batches.some((b) => b.status === 'IN_PROGRESS')) record.importStatus = 'COMPLETED';
    }
  }

  private fail(record: ImportRecord, message: string): void {
    const next = record.batches.findIndex((b) => b.status === 'IN_PROGRESS');
    record.batches.forEach((b, i) => {
      if (i === next) Object.assign(b, { status: 'FAILED', errorMessage: message });
      else if (b.status === 'IN_PROGRESS') b.status = 'CANCELLED';
    });
    record.importStatus = 'FAILED';
    record.errorMessage = message;
    record.lastUpdatedTime = Date.now();
  }

  /** Completes the import after `ms` unless it has ended by then (the timer ends with `stop()`). */
  private completeLater(record: ImportRecord, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (record.importStatus === 'IN_PROGRESS') this.advance(record, record.batches.length, false);
    }, ms);
    this.timers.add(timer);
  }

  /** Batches for a new record, consistent with its status. */
  private batchesFor(status: ImportStatus, errorMessage?: string): ImportBatchRecord[] {
    return Array.from({ length: this.options.batchesPerImport }, (_, i) => {
      const batchId = `batch-${String(i + 1).padStart(4, '0')}`;
      if (status === 'FAILED' && i === 0) return { batchId, status, errorMessage: errorMessage ?? 'Simulated failure' };
      if (status === 'FAILED') return { batchId, status: 'CANCELLED' as const };
      return { batchId, status };
    });
  }

  /** Destination ARN: region and account come from the source ARN, as the service's own examples show. */
  private destinationArnFor(sourceArn: string): string {
    const [, partition, , region, account, resource] = sourceArn.split(':');
    const storeId = (resource ?? '').split('/').pop() || sourceArn;
    const prefix = this.options.destinationNaming === 'leading-slash' ? '/' : '';
    return `arn:${partition || 'aws'}:logs:${region || this.options.region}:${account || this.options.account}`
      + `:log-group:${prefix}aws/cloudtrail/${storeId}`;
  }

  private find(importId: string): ImportRecord {
    const record = this.imports.find((i) => i.importId === importId);
    if (!record) throw new ServiceError('ResourceNotFoundException', `Import ${importId} not found`);
    return record;
  }

  private inProgress(id: string): ImportRecord {
    const record = this.imports.find((i) => i.importId === id);
    if (!record) throw new Error(`stand-in: no import ${id}`);
    if (record.importStatus !== 'IN_PROGRESS') throw new Error(`stand-in: import ${id} is ${record.importStatus}`);
    return record;
  }
}

/** A real CloudWatch Logs client pointed at the stand-in (dummy credentials); `overrides` win. */
export function cloudWatchLogsClientFor(standIn: CloudWatchLogsStandIn, overrides: CloudWatchLogsClientConfig = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: standIn.endpoint,
    region: standIn.options.region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    ...overrides,
  });
}

/** Log group name from a log group ARN (`...:log-group:<name>`, optionally followed by `:*`). */
export function logGroupNameOf(arn: string): string {
  const name = arn.split(':log-group:')[1] ?? arn;
  return name.endsWith(':*') ? name.slice(0, -2) : name;
}

/** Drops keys whose value is undefined, so that `{ x: undefined }` does not override a default. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function limitMessage(maxActiveImports: number): string {
  return `There can be no more than ${maxActiveImports} active imports per account at a given time`;
}

function faultOutcome(kind: FaultKind): Outcome | 'drop' {
  const error = (status: number, code: string, message: string): Outcome => ({ status, body: { __type: code, message }, error: code });
  switch (kind) {
    case 'throttle': return error(400, 'ThrottlingException', 'Rate exceeded');
    case 'server': return error(500, 'ServiceUnavailableException', 'The service is unavailable (stand-in fault)');
    case 'accessDenied': return error(400, 'AccessDeniedException', 'User is not authorized to perform this action (stand-in fault)');
    case 'conflict': return error(400, 'ConflictException', 'The resource already exists (stand-in fault)');
    default: return 'drop';
  }
}

/** Only the fields of the SDK's `Import` shape: the service never returns the role. */
function toWireImport(r: ImportRecord): unknown {
  return {
    importId: r.importId,
    importSourceArn: r.importSourceArn,
    importStatus: r.importStatus,
    importDestinationArn: r.importDestinationArn,
    importStatistics: { ...r.importStatistics },
    importFilter: r.importFilter,
    creationTime: r.creationTime,
    lastUpdatedTime: r.lastUpdatedTime,
    errorMessage: r.errorMessage,
  };
}

function requireString(request: any, name: string): string {
  const value: unknown = request[name];
  if (typeof value !== 'string' || value === '') throw new ServiceError('InvalidParameterException', `${name} is required`);
  return value;
}

function limitOf(request: any, defaultLimit: number): number {
  const limit: unknown = request.limit ?? defaultLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ServiceError('InvalidParameterException', `limit must be between 1 and ${MAX_LIMIT}`);
  }
  return limit;
}

function optionalStatus(value: unknown, name: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || !STATUSES.includes(value))) {
    throw new ServiceError('InvalidParameterException', `${name} must be one of ${STATUSES.join(', ')}`);
  }
  return value;
}

// Opaque tokens: base64 of a position, so callers cannot rely on their content.
function encodeToken(position: number): string {
  return Buffer.from(`stand-in:${position}`).toString('base64');
}

function decodeToken(token: unknown): number | undefined {
  if (token === undefined) return undefined;
  const match = typeof token === 'string' ? /^stand-in:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8')) : null;
  if (!match) throw new ServiceError('InvalidParameterException', 'The specified nextToken is invalid');
  return Number(match[1]);
}
