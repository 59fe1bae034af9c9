/**
 * The contract between synth time and deploy time: the custom resource's properties, the
 * attributes it returns, and the limits both sides share. Free of SDK imports, so that the
 * construct, the deploy-time function and the CLI can all use it.
 */

/** The custom resource type the construct declares. */
export const RESOURCE_TYPE = 'Custom::EventDataStoreImport';

/** Properties of the custom resource, as CloudFormation passes them (all strings). */
export interface ImportResourceProperties {
  /** ARN of the event data store to import from. */
  readonly ImportSourceArn: string;
  /** ARN of the role CloudWatch Logs uses to read the store. */
  readonly ImportRoleArn: string;
  /** Fixed window start, epoch milliseconds. */
  readonly StartEventTime?: string;
  /** Fixed window end, epoch milliseconds. */
  readonly EndEventTime?: string;
  /** Sliding window: the last N milliseconds, measured when the owner record is written. */
  readonly LookbackMillis?: string;
  /** 'true': the resource completes when the import has COMPLETED, not when it is scheduled. */
  readonly WaitForCompletion?: string;
  /** With WaitForCompletion: how long the resource may wait, in seconds. */
  readonly TimeoutSeconds?: string;
  /** 'retain' (default) or 'destroy'. */
  readonly RemovalPolicy?: string;
  /** SNS topic told when the import ends. */
  readonly NotificationTopicArn?: string;
  /**
   * Cutover: the window ends where ongoing ingestion demonstrably starts. Comma-separated log
   * groups a telemetry rule writes the store's events to; the window's end is the latest of their
   * first events, plus `CutoverOverlapSeconds`, measured at deploy time.
   */
  readonly CutoverLogGroupNames?: string;
  /** With cutover: how far the import reaches past the cutover (the overlap, bounded). */
  readonly CutoverOverlapSeconds?: string;
  /** With cutover: how long to wait for the first ongoing event before the import fails. */
  readonly CutoverTimeoutSeconds?: string;
  /** With cutover: stop the store's Lake ingestion this long after the cutover, once the import has COMPLETED. */
  readonly StopIngestionAfterSeconds?: string;
  /**
   * With cutover, for an organisation store: comma-separated member accounts whose own ongoing log
   * groups the cutover and the stop read too (an organisation rule delivers into each member account).
   */
  readonly CutoverMemberAccounts?: string;
  /** With CutoverMemberAccounts: the read-only role in each member account the function assumes. */
  readonly CutoverMemberRoleName?: string;
  /** With cutover, for a multi-region store: comma-separated regions measured besides the store's own. */
  readonly CutoverRegions?: string;
  /** Name of the stack's ledger table (owner records). */
  readonly LedgerTableName: string;
  /** ARN of the stack's orchestrator state machine. */
  readonly StateMachineArn: string;
}

/**
 * Attributes (the `Data` of the response). Keep them short: a response is capped at 4 KB.
 * `RecordId` and `DestinationLogGroupName` are always there; the import's own attributes only when
 * the resource waited for the import to complete.
 */
export interface ImportAttributes {
  readonly RecordId: string;
  readonly DestinationLogGroupName: string;
  readonly ImportId?: string;
  /** ISO 8601 time at which the import was created. */
  readonly CreationTime?: string;
  readonly BytesImported?: string;
  /** With cutover: when ongoing ingestion demonstrably started (ISO 8601). */
  readonly CutoverTime?: string;
  /** With cutover: where the import's window ends (ISO 8601): the cutover plus the overlap. */
  readonly ImportEndTime?: string;
}

/** At most this many imports may be active in an account at a time (FACTS.md). */
export const MAX_ACTIVE_IMPORTS = 3;

/** CloudFormation waits at most one hour for a custom resource. */
export const MAX_RESOURCE_SECONDS = 3600;

/** Time kept after a wait's deadline to report a clear error before CloudFormation's own timeout. */
export const REPORTING_MARGIN_SECONDS = 300;

/**
 * The destination log group of a store's imports, as the API reference returns it (FACTS.md).
 * The import's real destination is compared with it, and a mismatch is recorded.
 */
export function destinationLogGroupName(eventDataStoreId: string): string {
  return `aws/cloudtrail/${eventDataStoreId}`;
}

/** Where the event data store ID is in its ARN: `arn:<p>:cloudtrail:<r>:<a>:eventdatastore/<id>`. */
export function eventDataStoreIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The EventBridge source of the library's own events (an import ended after the deploy). */
export const EVENT_SOURCE = 'cdk-eventdatastore-import';

/**
 * After the window's end, Lake is given this long to hold every event of the window before the
 * import reads it (CloudTrail delivers an event within about 5 minutes of the call, usually).
 */
export const LAKE_DELIVERY_ALLOWANCE_MS = 15 * 60_000;

/** Before Lake ingestion is stopped, ongoing events must have arrived within this long. */
export const RECENT_DELIVERY_MS = 60 * 60_000;

/** How long the stop waits for recent ongoing events before it gives up (ingestion keeps running). */
export const STOP_GIVE_UP_MS = 24 * 60 * 60_000;
