/** A custom resource request as CloudFormation sends it, and its properties, parsed once. */
import { createHash } from 'node:crypto';
import { ImportResourceProperties } from './contract';
import { ImportWindow, OwnerRecord } from '../ledger/record';
import { ImportFailure } from '../shared/aws-errors';

export interface CloudFormationRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: ImportResourceProperties & { readonly ServiceToken?: string };
  readonly OldResourceProperties?: ImportResourceProperties & { readonly ServiceToken?: string };
}

export function isCloudFormationRequest(event: unknown): event is CloudFormationRequest {
  const e = event as Partial<CloudFormationRequest>;
  return typeof e?.RequestType === 'string' && typeof e.ResponseURL === 'string';
}

/** The properties of one import request, checked. */
export interface ImportRequest {
  readonly sourceArn: string;
  readonly roleArn: string;
  readonly start?: number;
  readonly end?: number;
  readonly lookbackMillis?: number;
  readonly waitForCompletion: boolean;
  readonly timeoutMs: number;
  readonly removalPolicy: 'retain' | 'destroy';
  readonly notificationTopicArn?: string;
  /** A migration's cutover: the window's end is measured once ongoing ingestion has started. */
  readonly cutover?: {
    readonly logGroupNames: string[];
    readonly overlapMs: number;
    readonly timeoutMs: number;
    readonly memberAccounts?: string[];
    readonly memberRoleName?: string;
    readonly regions?: string[];
  };
  /** A migration's stop of Lake ingestion, this long after the cutover. */
  readonly stopIngestionAfterMs?: number;
  readonly tableName: string;
  readonly stateMachineArn: string;
}

const DEFAULT_TIMEOUT_SECONDS = 50 * 60;

export function parseProperties(props: ImportResourceProperties, logicalId: string): ImportRequest {
  const millis = (key: keyof ImportResourceProperties): number | undefined => {
    const raw = props[key];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      throw new ImportFailure(`${logicalId}: ${key} must be a whole number of milliseconds >= 0, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  for (const key of ['ImportSourceArn', 'ImportRoleArn', 'LedgerTableName', 'StateMachineArn'] as const) {
    if (!props[key]) throw new ImportFailure(`${logicalId}: the property ${key} is required`);
  }
  const start = millis('StartEventTime');
  const end = millis('EndEventTime');
  if (start !== undefined && end !== undefined && start > end) {
    throw new ImportFailure(`${logicalId}: StartEventTime (${new Date(start).toISOString()}) must not be after EndEventTime (${new Date(end).toISOString()})`);
  }
  const cutover = parseCutover(props, logicalId, millis);
  const stopAfter = millis('StopIngestionAfterSeconds');
  if (stopAfter !== undefined && !cutover) {
    throw new ImportFailure(`${logicalId}: StopIngestionAfterSeconds needs CutoverLogGroupNames: Lake ingestion is stopped only where ongoing events demonstrably arrive elsewhere`);
  }
  return {
    sourceArn: props.ImportSourceArn,
    roleArn: props.ImportRoleArn,
    start,
    end,
    lookbackMillis: millis('LookbackMillis'),
    waitForCompletion: props.WaitForCompletion === 'true',
    timeoutMs: (millis('TimeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    removalPolicy: (props.RemovalPolicy ?? '').toLowerCase() === 'destroy' ? 'destroy' : 'retain',
    notificationTopicArn: props.NotificationTopicArn || undefined,
    cutover,
    stopIngestionAfterMs: stopAfter !== undefined ? stopAfter * 1000 : undefined,
    tableName: props.LedgerTableName,
    stateMachineArn: props.StateMachineArn,
  };
}

const DEFAULT_OVERLAP_SECONDS = 15 * 60;
const DEFAULT_CUTOVER_TIMEOUT_SECONDS = 24 * 3600;

function parseCutover(props: ImportResourceProperties, logicalId: string, millis: (key: keyof ImportResourceProperties) => number | undefined): ImportRequest['cutover'] {
  const groups = (props.CutoverLogGroupNames ?? '').split(',').map((g) => g.trim()).filter((g) => g.length > 0);
  if (groups.length === 0) return undefined;
  if (props.EndEventTime || props.LookbackMillis) {
    throw new ImportFailure(`${logicalId}: CutoverLogGroupNames measures the window's end; EndEventTime and LookbackMillis cannot be given with it`);
  }
  const memberAccounts = (props.CutoverMemberAccounts ?? '').split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  const bad = memberAccounts.find((a) => !/^\d{12}$/.test(a));
  if (bad !== undefined) throw new ImportFailure(`${logicalId}: CutoverMemberAccounts must list 12-digit account IDs, got ${JSON.stringify(bad)}`);
  if (memberAccounts.length > 0 && !props.CutoverMemberRoleName) {
    throw new ImportFailure(`${logicalId}: CutoverMemberAccounts needs CutoverMemberRoleName, the role the function assumes in each member account`);
  }
  const regions = (props.CutoverRegions ?? '').split(',').map((r) => r.trim()).filter((r) => r.length > 0);
  const badRegion = regions.find((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r));
  if (badRegion !== undefined) throw new ImportFailure(`${logicalId}: CutoverRegions must list regions like eu-west-1, got ${JSON.stringify(badRegion)}`);
  return {
    logGroupNames: groups,
    ...(regions.length > 0 ? { regions } : {}),
    overlapMs: (millis('CutoverOverlapSeconds') ?? DEFAULT_OVERLAP_SECONDS) * 1000,
    timeoutMs: (millis('CutoverTimeoutSeconds') ?? DEFAULT_CUTOVER_TIMEOUT_SECONDS) * 1000,
    ...(memberAccounts.length > 0 ? { memberAccounts, memberRoleName: props.CutoverMemberRoleName } : {}),
  };
}

/** The window the import copies; a lookback is measured now, once, and kept in the record. */
export function windowOf(request: ImportRequest, now: number): ImportWindow {
  if (request.lookbackMillis !== undefined) return { startEventTime: Math.max(0, now - request.lookbackMillis), endEventTime: now };
  return { startEventTime: request.start, endEventTime: request.end };
}

/** The record ID (physical ID, execution name) of a request: the same for a re-delivered request. */
export function recordIdOf(event: Pick<CloudFormationRequest, 'StackId' | 'LogicalResourceId' | 'RequestId'>): string {
  const digest = createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`).digest('hex');
  return `import-${digest.slice(0, 32)}`;
}

export function isRecordId(id: string | undefined): id is string {
  return !!id && /^import-[0-9a-f]{32}$/.test(id);
}

/** Do the properties describe the import this record owns (a settings or role change, or a rollback to it)? */
export function describesRecord(props: ImportResourceProperties, record: Pick<OwnerRecord, 'sourceArn' | 'requested'>): boolean {
  const asNumber = (v?: string) => (v === undefined || v === '' ? undefined : Number(v));
  return props.ImportSourceArn === record.sourceArn &&
    asNumber(props.StartEventTime) === record.requested.startEventTime &&
    asNumber(props.EndEventTime) === record.requested.endEventTime &&
    asNumber(props.LookbackMillis) === record.requested.lookbackMillis;
}
