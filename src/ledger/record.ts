/**
 * The owner record: one per import request, written before anything is created. Every
 * deploy-time decision reads it instead of guessing from the service's listings. No SDK imports:
 * the construct, the deploy-time function and the CLI share these types.
 */

/**
 * Where a record stands.
 *
 * SCHEDULED -> CREATING -> STARTED -> COMPLETED | FAILED | CANCELLED
 * CREATING -> UNCERTAIN (CreateImportTask's outcome unknown) -> STARTED (adopted) | SCHEDULED (none) | FAILED (several)
 * SCHEDULED -> WITHDRAWN (deleted before anything was created)
 */
export type RecordState = 'SCHEDULED' | 'CREATING' | 'UNCERTAIN' | 'STARTED' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'WITHDRAWN';

/** States in which the record's execution may still act. */
export const LIVE_STATES: readonly RecordState[] = ['SCHEDULED', 'CREATING', 'UNCERTAIN', 'STARTED'];

/** The import window, epoch milliseconds (absent: no filter, the store's whole retention). */
export interface ImportWindow {
  readonly startEventTime?: number;
  readonly endEventTime?: number;
}

/** A CloudFormation request that waits for the record to reach a milestone before it is answered. */
export interface PendingResponse {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly requestId: string;
  readonly responseUrl: string;
  readonly stackId: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId: string;
  /** Epoch ms after which the request is answered FAILED. */
  readonly deadline: number;
}

/** What CloudFormation was told about the request that wrote the record. */
export type CloudFormationOutcome = 'PENDING' | 'SUCCESS' | 'FAILED';

/** What a Delete asked of a record whose CreateImportTask outcome was not known yet. */
export interface PendingDelete {
  /** Cancel the record's import once it is known. */
  readonly cancel: boolean;
  /** Delete the log group too (when no one else writes or wrote to it). */
  readonly deleteData: boolean;
}

/**
 * The key of a group's first event in `CutoverPlan.firstEvents`: the group's name for the stack's
 * account in the store's region, `<account>/<group>` for a member account, `<region>:` before
 * either for another region.
 */
export function firstEventKey(account: string | undefined, group: string, region?: string): string {
  return `${region === undefined ? '' : `${region}:`}${account === undefined ? '' : `${account}/`}${group}`;
}

/** The cutover of a migration: the window ends where ongoing ingestion demonstrably starts. */
export interface CutoverPlan {
  /** The log groups the telemetry rule writes the store's events to. */
  readonly logGroupNames: string[];
  /** How far the window reaches past the cutover, ms. */
  readonly overlapMs: number;
  /** How long to wait for the first ongoing event, ms. */
  readonly timeoutMs: number;
  /**
   * Member accounts of an organisation store whose own log groups are read too (an organisation
   * rule delivers into each member account): the cutover waits for every one, the stop needs every one.
   */
  readonly memberAccounts?: string[];
  /** The read-only role the function assumes in each member account. */
  readonly memberRoleName?: string;
  /**
   * Regions measured besides the store's own, for a multi-region store: its rule delivers in every
   * region, and the cutover waits for every one of them (the stop needs every one).
   */
  readonly regions?: string[];
  /**
   * The earliest ongoing event found so far in each log group (epoch ms), keyed by `firstEventKey`.
   */
  readonly firstEvents?: Record<string, number>;
  /** When ongoing ingestion demonstrably started: the latest of the groups' first events. */
  readonly cutoverTime?: number;
  /** The import is created from this time on (the window's end has passed, and Lake has had time to hold it). */
  readonly readyAt?: number;
}

/**
 * The stop of the store's Lake ingestion after the parallel run.
 * PENDING -> STOPPED | SKIPPED (the import did not complete) | CANCELLED (the resource was deleted) | FAILED
 */
export interface IngestionStopPlan {
  readonly parallelRunMs: number;
  readonly state: 'PENDING' | 'STOPPED' | 'SKIPPED' | 'CANCELLED' | 'FAILED';
  /** When the stop is due (epoch ms): the parallel run after the cutover, at the earliest once the import has completed. */
  readonly dueAt?: number;
  readonly stoppedAt?: number;
  /** Why it was skipped, cancelled or failed; or what the stop found. */
  readonly message?: string;
  /** Accounts (or the stack's own, as 'this account') without a recent ongoing event at the last check, while the stop waits. */
  readonly silentAccounts?: string[];
}

export interface OwnerRecord {
  /** `RESOURCE#<stack id>#<logical id>` */
  readonly pk: string;
  /** The record ID, also the custom resource's physical ID and the execution's name. */
  readonly sk: string;
  readonly stackId: string;
  readonly logicalResourceId: string;
  readonly requestId: string;
  readonly sourceArn: string;
  readonly roleArn: string;
  /** The time range as the resource asked for it (a lookback is resolved into `window` once). */
  readonly requested: { readonly startEventTime?: number; readonly endEventTime?: number; readonly lookbackMillis?: number };
  /** The window sent to CreateImportTask. */
  readonly window: ImportWindow;
  readonly removalPolicy: 'retain' | 'destroy';
  readonly waitForCompletion: boolean;
  readonly expectedLogGroupName: string;
  /** SNS topic told when the import ends. */
  readonly notificationTopicArn?: string;
  /** A migration's cutover: the window's end is measured at deploy time. */
  readonly cutover?: CutoverPlan;
  /** A migration's stop of Lake ingestion after the parallel run. */
  readonly ingestionStop?: IngestionStopPlan;
  readonly state: RecordState;
  readonly cloudFormation: CloudFormationOutcome;
  /** CreateImportTask calls made for this record (at most one per SCHEDULED -> CREATING). */
  readonly createAttempts: number;
  /** CreateImportTask refusals at the active-imports limit while fewer were listed (each queued the record again). */
  readonly limitRefusals?: number;
  /** The store's import IDs just before the last CreateImportTask (what is NOT ours). */
  readonly preCreateImportIds?: string[];
  /** When the last CreateImportTask was sent (epoch ms). */
  readonly createSentAt?: number;
  readonly importId?: string;
  readonly destinationArn?: string;
  /** The real destination log group, when it is not `expectedLogGroupName`. */
  readonly destinationMismatch?: string;
  readonly importStatus?: string;
  readonly bytesImported?: number;
  readonly importCreationTime?: number;
  /** What went wrong, for people: the service's messages and the failed batches'. */
  readonly errorMessage?: string;
  /**
   * The record's current execution (see generations.ts): generation `generation`, absent for 0. An
   * execution hands over to the next generation well before its history is full.
   */
  readonly executionArn?: string;
  readonly generation?: number;
  readonly pendingResponses?: Record<string, PendingResponse>;
  readonly pendingDelete?: PendingDelete;
  /** Set when CloudFormation deleted the resource (the record stays as history). */
  readonly retiredAt?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The partition of one custom resource's records. */
export function partitionKey(stackId: string, logicalResourceId: string): string {
  return `RESOURCE#${stackId}#${logicalResourceId}`;
}

export const SLOTS_KEY = { pk: 'SLOTS', sk: 'SLOTS' } as const;

/** Slot leases: who holds one of the account's import slots on behalf of this ledger. */
export interface SlotHolder {
  readonly pk: string;
  readonly since: number;
  readonly importId?: string;
}

export function isLive(record: Pick<OwnerRecord, 'state'>): boolean {
  return LIVE_STATES.includes(record.state);
}

export function sameWindow(a: ImportWindow, b: ImportWindow | undefined): boolean {
  return (a.startEventTime ?? null) === (b?.startEventTime ?? null) && (a.endEventTime ?? null) === (b?.endEventTime ?? null);
}
