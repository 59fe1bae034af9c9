import { Annotations, Arn, ArnFormat, Aspects, Stack, Token } from 'aws-cdk-lib';
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
  /** Known only for a literal ARN. */
  readonly partition?: string;
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
  return { partition: match[1], region: match[2], account: match[3], id: match[4] };
}

/**
 * The store must be in the stack's region and account (imports are regional and read their own
 * account). In an environment-agnostic stack that cannot be checked: a warning says how to make it so.
 */
export function checkSameEnvironment(scope: Construct, storeArn: ParsedStoreArn): void {
  const stack = Stack.of(scope);
  const differs = (a: string | undefined, b: string) => a !== undefined && !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
  if (differs(storeArn.region, stack.region)) {
    throw new Error(`source: the event data store is in region ${storeArn.region} but the stack ${stack.stackName} is in ${stack.region}; imports are regional, so put the import in a stack in ${storeArn.region}`);
  }
  if (differs(storeArn.account, stack.account)) {
    throw new Error(`source: the event data store is in account ${storeArn.account} but the stack ${stack.stackName} is in ${stack.account}; an import reads a store of its own account, so deploy it to ${storeArn.account}`);
  }
  if (storeArn.region !== undefined && storeArn.account !== undefined && (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account))) {
    warn(scope, 'environmentAgnostic',
      `source: the event data store is in region ${storeArn.region} and account ${storeArn.account}, but the stack ${stack.stackName} is environment-agnostic, ` +
      'so the construct cannot check that the import is deployed there (imports are regional and read a store of their own account). ' +
      `Set the stack's env: new Stack(app, '${stack.node.id}', { env: { account: '${storeArn.account}', region: '${storeArn.region}' } }).`);
  }
}

/**
 * Synth-time checks of the time range. Errors for what can never work, whatever the day; what
 * depends on today (the end in the future, the start outside the retention period now) is a
 * warning: the same app must synthesize tomorrow, and the service checks the window when it runs.
 */
export function checkTimeRange(scope: Construct, window: RenderedTimeRange, timeRange: ImportTimeRange | undefined, source: BoundImportSource): void {
  if (!timeRange) return;
  const text = timeRange._describe();
  const { startEventTime: start, endEventTime: end, lookbackMillis } = window;
  for (const [name, value] of [['start', start], ['end', end]] as const) {
    if (!known(value)) continue;
    if (Number.isNaN(value) && timeRange._given === 'Date') {
      throw new Error(`timeRange: ${name} is an invalid Date in ${text}; give a valid Date, e.g. new Date('2024-01-01T00:00:00Z'), or use ImportTimeRange.calendarYear / calendarMonth`);
    }
    if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
      throw new Error(`timeRange: ${name} must be a whole number of milliseconds since the epoch, >= 0, got ${value} in ${text}`);
    }
    if (timeRange._given === 'millis' && value >= LIKELY_SECONDS_FROM && value < LIKELY_SECONDS_BELOW) {
      throw new Error(`timeRange: ${name} ${value} in ${text} looks like seconds since the epoch (as milliseconds it is ${iso(value)}); ` +
        `give milliseconds, e.g. ${value * 1000} for ${iso(value * 1000)}`);
    }
  }
  if (known(start) && known(end) && start > end) {
    throw new Error(`timeRange: start (${iso(start)}) must not be after end (${iso(end)}) in ${text}`);
  }
  if (known(lookbackMillis) && lookbackMillis <= 0) {
    throw new Error(`timeRange: the lookback must be longer than zero, got ${text}`);
  }
  if (known(end) && end > Date.now()) {
    warn(scope, 'endInFuture',
      `timeRange: end (${iso(end)}) is in the future; the import copies only the events that exist when it runs, and later events are not added.`);
  }
  if (known(start)) warnBefore2023(scope, 'timeRange: start', start);
  const retentionDays = source.retentionDays;
  if (!known(retentionDays)) return;
  const retentionMillis = retentionDays * DAY_MILLIS;
  const assumed = source.retentionOrigin ?? `a retention period of ${retentionDays} days`;
  if (known(lookbackMillis) && lookbackMillis > retentionMillis) {
    throw new Error(`timeRange: ${text} reaches further back than the store's retention period of ${retentionDays} days; use at most Duration.days(${retentionDays})`);
  }
  if (known(start) && known(end) && end - start + 1 > retentionMillis) {
    throw new Error(`timeRange: ${text} spans ${describeMillis(end - start + 1)}, longer than the store's retention period of ${retentionDays} days, so it can never fit in it; ` +
      `split it into windows of at most ${retentionDays} days (assumed from ${assumed})`);
  }
  if (known(start)) warnOutsideRetention(scope, 'timeRange: start', start, source, 'move the start later');
}

/**
 * The start of a CloudTrailLakeMigration's history (its window ends at the cutover, measured at
 * deploy time). A Date before the epoch can never be an event time: an error. What depends on the
 * day the app is synthesized is a warning: a start in the future (the window would end before it
 * starts), or before 2023. Each store's retention is checked by its import
 * (`warnOutsideRetention`).
 */
export function checkHistoryStart(scope: Construct, start: number): void {
  if (Number.isNaN(start)) {
    throw new Error('historyStart is an invalid Date; give a valid one, e.g. new Date(\'2024-01-01T00:00:00Z\')');
  }
  if (start < 0) {
    throw new Error(`historyStart must not be before 1970-01-01T00:00:00.000Z (event times are milliseconds since the epoch, >= 0), got ${iso(start)}; ` +
      'give a date from 2023 on, or leave historyStart out to import everything the store keeps');
  }
  if (start > Date.now()) {
    warn(scope, 'historyStartInFuture',
      `historyStart (${iso(start)}) is in the future: the history import ends at the cutover, measured when it is deployed, so a window starting later has ` +
      'nothing to import and the import fails at deploy time, after the wait for the cutover. Give a past date, or leave historyStart out.');
  }
  warnBefore2023(scope, 'historyStart', start);
}

function warnBefore2023(scope: Construct, what: string, start: number): void {
  if (start < EARLIEST_MIGRATABLE) {
    warn(scope, 'before2023', `${what} (${iso(start)}) is before 2023-01-01; AWS says events from before 2023 cannot be migrated to CloudWatch Logs.`);
  }
}

/** A start older than the store keeps events today (when its retention is known): `fix` says what to do. */
export function warnOutsideRetention(scope: Construct, what: string, start: number, source: Pick<BoundImportSource, 'retentionDays' | 'retentionOrigin'>, fix: string): void {
  const retentionDays = source.retentionDays;
  if (!known(retentionDays)) return;
  const assumed = source.retentionOrigin ?? `a retention period of ${retentionDays} days`;
  const oldestKept = Date.now() - retentionDays * DAY_MILLIS;
  if (start < oldestKept) {
    warn(scope, 'outsideRetention',
      `${what} (${iso(start)}) is older than the store keeps events today (about ${iso(oldestKept)}, assuming ${assumed}). ` +
      `If the import has not run yet, events before that are no longer there and CloudWatch Logs may reject the window: ${fix}. ` +
      'An import that has already run is not affected.');
  }
}

const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);

/**
 * A value from ImportTimeRange.fromEpochMillis in this range is 1970-01-12 to 1973-03-03 as
 * milliseconds, but 2001 to 5138 as seconds: it was almost certainly meant as seconds.
 */
const LIKELY_SECONDS_FROM = 1e9;
const LIKELY_SECONDS_BELOW = 1e11;

/**
 * A warning with its acknowledgement: the message ends with the call that acknowledges it, in the
 * form `Annotations.of(...).acknowledgeWarning` takes (the aws-cdk CLI prints `Annotation::<id>`,
 * which that method does not take).
 */
export function warn(scope: Construct, name: string, message: string): void {
  const id = `${WARNING_PREFIX}:${name}`;
  Annotations.of(scope).addWarningV2(id, `${message} To acknowledge: Annotations.of(construct).acknowledgeWarning('${id}').`);
}

/** A duration as a person reads it: "1 millisecond", "3 days 2 hours". */
export function describeMillis(millis: number): string {
  const units: Array<[string, number]> = [['day', DAY_MILLIS], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000], ['millisecond', 1]];
  const parts: string[] = [];
  let rest = millis;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && parts.length < 2) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 milliseconds';
}

function iso(millis: number): string {
  return new Date(millis).toISOString();
}

/**
 * More than 3 imports per account and region in one app: they queue, and drain after the
 * deployment. One warning per environment, listing its imports, once all are declared: an
 * aspect on the app emits it at synth, on the environment's first import (so that it can be
 * acknowledged on its stack: aws-cdk-lib checks a warning's acknowledgements on its ancestors).
 */
interface EnvironmentImports {
  readonly first: Construct;
  readonly paths: string[];
}
const importsByRoot = new WeakMap<object, Map<string, EnvironmentImports>>();
export function countImportsInEnvironment(imp: Construct): void {
  const stack = Stack.of(imp);
  const root = imp.node.root;
  let environments = importsByRoot.get(root);
  if (!environments) {
    const created = new Map<string, EnvironmentImports>();
    environments = created;
    importsByRoot.set(root, created);
    Aspects.of(root).add({ visit: (node) => { if (node === root) warnAboutQueues(created); } });
  }
  const env = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
    ? 'the environment-agnostic stacks'
    : `account ${stack.account} in ${stack.region}`;
  const entry = environments.get(env) ?? { first: imp, paths: [] };
  environments.set(env, entry);
  entry.paths.push(imp.node.path);
}

function warnAboutQueues(environments: Map<string, EnvironmentImports>): void {
  for (const [env, { first, paths }] of environments) {
    if (paths.length <= MAX_ACTIVE_IMPORTS) continue;
    warn(first, 'moreThanThreeImports',
      `this app declares ${paths.length} imports for ${env} (${paths.join(', ')}); CloudWatch Logs runs at most ${MAX_ACTIVE_IMPORTS} imports per account at a time. ` +
      'The others queue in the stack\'s orchestrator and start as slots free, after the deployment (with waitForCompletion, the deployment waits for them up to completionTimeout).');
  }
}

/**
 * Two imports of the same store in one app write into the same log group. With the same window
 * they would also be indistinguishable to the handler's retry logic: that is an error. Overlapping
 * windows import the overlap twice: that is a warning that says how much overlaps.
 */
const windowsByRoot = new WeakMap<object, Array<{ path: string; source: string; window: RenderedTimeRange }>>();
export function checkOverlaps(imp: Construct, source: string, window: RenderedTimeRange): void {
  const root = imp.node.root;
  const seen = windowsByRoot.get(root) ?? [];
  windowsByRoot.set(root, seen);
  for (const other of seen.filter((o) => o.source === source)) {
    if (JSON.stringify(other.window) === JSON.stringify(window)) {
      const what = Object.keys(window).length === 0 ? 'source: ' + imp.node.path + ' imports the same store without a time range, as'
        : 'timeRange: ' + imp.node.path + ' imports the same store with the same time range as';
      throw new Error(`${what} ${other.path}; both would write the same events into the same log group. Give each import its own time range, or keep one.`);
    }
    const overlap = overlapOf(other.window, window);
    if (overlap) {
      warn(imp, 'overlappingWindows',
        `timeRange overlaps that of ${other.path}, which imports the same store into the same log group, ${overlap}: events in the overlap are imported twice.`);
    }
  }
  seen.push({ path: imp.node.path, source, window });
}

/** How two windows overlap, in words; undefined when they do not. */
function overlapOf(a: RenderedTimeRange, b: RenderedTimeRange): string | undefined {
  if (!known(a.startEventTime) || !known(a.endEventTime) || !known(b.startEventTime) || !known(b.endEventTime)) {
    // No filter, a lookback (up to the present) or a token: it may overlap anything.
    return 'possibly in full (one of them has no time range, a lookback or a time known only at deploy time)';
  }
  const from = Math.max(a.startEventTime, b.startEventTime);
  const to = Math.min(a.endEventTime, b.endEventTime);
  if (from > to) return undefined;
  return `by ${describeMillis(to - from + 1)} (${iso(from)} to ${iso(to)}, both inclusive)`;
}
