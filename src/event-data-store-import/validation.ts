import { Annotations, Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BoundImportSource } from './import-source';
import { ImportTimeRange, RenderedTimeRange } from './import-time-range';
import { MAX_ACTIVE_IMPORTS } from '../orchestrator/contract';

/**
 * Synth-time checks of an import's input. Each error names the prop, the bad value and what is
 * valid; tokens are never rejected for their shape. @internal
 */

/** AWS's migration guide: data from before 2023 cannot be migrated. */
const EARLIEST_MIGRATABLE = Date.UTC(2023, 0, 1);
const DAY_MILLIS = 86_400_000;
export const WARNING_PREFIX = 'cdk-eventdatastore-import';

export interface ParsedStoreArn {
  readonly region?: string;
  readonly account?: string;
  /** The store's ID (a token when the ARN is one). */
  readonly id: string;
}

const STORE_ARN = /^arn:(aws[a-zA-Z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):eventdatastore\/([A-Za-z0-9-]{1,256})$/;

export function parseEventDataStoreArn(arn: string): ParsedStoreArn {
  if (Token.isUnresolved(arn)) {
    // A store known only at deploy time is taken to be in the stack's own region and account
    // (imports are regional, and read stores of their own account): the log group ARNs use the
    // stack's, which reads better and costs less template than parts split out of the token.
    return { id: Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName! };
  }
  const match = STORE_ARN.exec(arn);
  if (!match) {
    throw new Error(`source: ${JSON.stringify(arn)} is not an event data store ARN; expected arn:<partition>:cloudtrail:<region>:<12-digit account>:eventdatastore/<id>`);
  }
  return { region: match[2], account: match[3], id: match[4] };
}

/** The store must be in the stack's region and account (imports are regional and read their own account). */
export function checkSameEnvironment(scope: Construct, storeArn: ParsedStoreArn): void {
  const stack = Stack.of(scope);
  const differs = (a: string | undefined, b: string) => a !== undefined && !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
  if (differs(storeArn.region, stack.region)) {
    throw new Error(`source: the event data store is in region ${storeArn.region} but the stack ${stack.stackName} is in ${stack.region}; imports are regional, so put the import in a stack in ${storeArn.region}`);
  }
  if (differs(storeArn.account, stack.account)) {
    throw new Error(`source: the event data store is in account ${storeArn.account} but the stack ${stack.stackName} is in ${stack.account}; an import reads a store of its own account, so deploy it to ${storeArn.account}`);
  }
}

/** Synth-time checks of the time range: errors for what can never work, warnings for what is risky. */
export function checkTimeRange(scope: Construct, window: RenderedTimeRange, timeRange: ImportTimeRange | undefined, source: BoundImportSource): void {
  if (!timeRange) return;
  const text = timeRange._describe();
  const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
  const { startEventTime: start, endEventTime: end, lookbackMillis } = window;
  for (const [name, value] of [['start', start], ['end', end]] as const) {
    if (known(value) && (!Number.isFinite(value) || !Number.isInteger(value) || value < 0)) {
      throw new Error(`timeRange: ${name} must be a whole number of milliseconds since the epoch, >= 0, got ${value} in ${text}`);
    }
  }
  if (known(start) && known(end) && start > end) {
    throw new Error(`timeRange: start (${iso(start)}) must not be after end (${iso(end)}) in ${text}`);
  }
  if (known(lookbackMillis) && lookbackMillis <= 0) {
    throw new Error(`timeRange: the lookback must be longer than zero, got ${text}`);
  }
  if (known(end) && end > Date.now()) {
    Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:endInFuture`,
      `timeRange: end (${iso(end)}) is in the future; the import copies only the events that exist when it runs, and later events are not added.`);
  }
  if (known(start) && start < EARLIEST_MIGRATABLE) {
    Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}:before2023`,
      `timeRange: start (${iso(start)}) is before 2023-01-01; AWS says events from before 2023 cannot be migrated to CloudWatch Logs.`);
  }
  const retentionDays = source.retentionDays;
  if (known(retentionDays)) {
    const retentionMillis = retentionDays * DAY_MILLIS;
    if (known(lookbackMillis) && lookbackMillis > retentionMillis) {
      throw new Error(`timeRange: ${text} reaches further back than the store's retention period of ${retentionDays} days; use at most Duration.days(${retentionDays})`);
    }
    const oldestKept = Date.now() - retentionMillis;
    if (known(start) && start < oldestKept) {
      throw new Error(`timeRange: start (${iso(start)}) is outside the store's retention period of ${retentionDays} days; the oldest events it keeps are from about ${iso(oldestKept)}, so start at or after that`);
    }
  }
}

function iso(millis: number): string {
  return new Date(millis).toISOString();
}

/** More than 3 imports per account and region in one app: they queue (or fail after slotWaitTimeout). */
const importsByEnvironment = new WeakMap<object, Map<string, number>>();
export function countImportsInEnvironment(imp: Construct): void {
  const stack = Stack.of(imp);
  const root = imp.node.root;
  const counts = importsByEnvironment.get(root) ?? new Map<string, number>();
  importsByEnvironment.set(root, counts);
  const env = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
    ? 'the environment-agnostic stacks'
    : `account ${stack.account} in ${stack.region}`;
  const count = (counts.get(env) ?? 0) + 1;
  counts.set(env, count);
  if (count > MAX_ACTIVE_IMPORTS) {
    Annotations.of(imp).addWarningV2(`${WARNING_PREFIX}:moreThanThreeImports`,
      `this app declares ${count} imports for ${env}; CloudWatch Logs runs at most ${MAX_ACTIVE_IMPORTS} imports per account at a time. ` +
      'The others wait for a free slot: with waitForCompletion up to completionTimeout, otherwise up to slotWaitTimeout, then fail.');
  }
}

/**
 * Two imports of the same store in one app write into the same log group. With the same window
 * they would also be indistinguishable to the handler's retry logic: that is an error. Overlapping
 * windows import the overlap twice: that is a warning.
 */
const windowsByRoot = new WeakMap<object, Array<{ path: string; source: string; window: RenderedTimeRange }>>();
export function checkOverlaps(imp: Construct, source: string, window: RenderedTimeRange): void {
  const root = imp.node.root;
  const seen = windowsByRoot.get(root) ?? [];
  windowsByRoot.set(root, seen);
  for (const other of seen.filter((o) => o.source === source)) {
    if (JSON.stringify(other.window) === JSON.stringify(window)) {
      throw new Error(`timeRange: ${imp.node.path} imports the same store with the same time range as ${other.path}; ` +
        'both would write the same events into the same log group. Give each import its own time range, or keep one.');
    }
    if (overlaps(other.window, window)) {
      Annotations.of(imp).addWarningV2(`${WARNING_PREFIX}:overlappingWindows`,
        `timeRange overlaps that of ${other.path}, which imports the same store into the same log group: events in the overlap are imported twice.`);
    }
  }
  seen.push({ path: imp.node.path, source, window });
}

function overlaps(a: RenderedTimeRange, b: RenderedTimeRange): boolean {
  const known = (n: number | undefined) => n !== undefined && !Token.isUnresolved(n);
  // No filter or a lookback reaches up to the present: it may overlap anything.
  if (!known(a.startEventTime) || !known(a.endEventTime) || !known(b.startEventTime) || !known(b.endEventTime)) return true;
  return a.startEventTime! <= b.endEventTime! && b.startEventTime! <= a.endEventTime!;
}

