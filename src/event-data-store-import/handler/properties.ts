/**
 * The contract between the construct (synth time) and the handler (deploy time):
 * the custom resource's properties and the attributes it returns.
 * Kept free of SDK imports so that the construct can share it.
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
  /** Sliding window: import the last N milliseconds, measured when the import starts. */
  readonly LookbackMillis?: string;
  /** 'true' to keep the resource in progress until the import finishes. */
  readonly WaitForCompletion?: string;
  /** How long the resource may take in total, in seconds (queue + import in wait mode). */
  readonly TimeoutSeconds?: string;
  /** 'retain' (default) or 'destroy'. */
  readonly RemovalPolicy?: string;
}

/** Attributes (the `Data` of the response). Keep them short: the response is capped at 4 KB. */
export interface ImportAttributes {
  readonly ImportId: string;
  readonly DestinationLogGroupArn: string;
  readonly DestinationLogGroupName: string;
  /** ISO 8601 time at which the import was created. */
  readonly CreationTime: string;
  readonly ImportStatus: string;
  readonly BytesImported: string;
}

/** The properties whose change starts a new import (the others are settings of the resource). */
export const REPLACING_PROPERTIES: ReadonlyArray<keyof ImportResourceProperties> = [
  'ImportSourceArn',
  'ImportRoleArn',
  'StartEventTime',
  'EndEventTime',
  'LookbackMillis',
];

/** Physical ID used while the import waits for a free slot: `pending:<epoch ms>` (never an import ID). */
export const PENDING_PREFIX = 'pending:';

/** What the service allows for an import ID. Anything else (a marker, a placeholder) is not an import. */
export const IMPORT_ID_PATTERN = /^[-a-zA-Z0-9]{1,256}$/;

/** At most this many imports may be active in an account at a time (FACTS.md). */
export const MAX_ACTIVE_IMPORTS = 3;

/** CloudFormation waits at most one hour for a custom resource. */
export const MAX_RESOURCE_SECONDS = 3600;

/** Time the handler keeps for itself after a timeout, to report a clear error before CloudFormation does. */
export const REPORTING_MARGIN_SECONDS = 300;
