/**
 * The imports that exist already (CloudWatch Logs DescribeImportTasks): how many run against the
 * limit of 3, so how many of the declared imports will queue; and which of them already cover a
 * declared import's store and window (CreateImportTask has no client token: a re-run imports twice).
 */
import { DescribeImportTasksCommand, DescribeImportTasksCommandInput, Import } from '@aws-sdk/client-cloudwatch-logs';
import { callFailed, offline, StackContext } from './context';
import { CheckResult, fail, pass, warn } from './report';
import { StoreFacts } from './store-checks';
import { DeclaredImport, ImportWindow } from './template-reading';
import { PAGE_LIMIT, paginate } from '../status/collect';

/** At most this many imports run in an account at a time (FACTS.md). */
export const MAX_ACTIVE_IMPORTS = 3;

const ACTIVE_IMPORTS = 'imports running in the account, against the limit of 3';
const OVERLAP = 'no existing import covers the same store and time range';

export async function listImports(ctx: StackContext, filter: DescribeImportTasksCommandInput): Promise<Import[]> {
  const imports: Import[] = [];
  await paginate(async (nextToken) => {
    const page = await ctx.clients!.logs.send(new DescribeImportTasksCommand({ ...filter, limit: PAGE_LIMIT, nextToken }));
    imports.push(...(page.imports ?? []));
    return page.nextToken;
  });
  return imports;
}

/** Declared imports that a deployment would start: those the stack does not have yet. */
export function importsToStart(imports: readonly DeclaredImport[]): DeclaredImport[] {
  return imports.filter((i) => i.physicalId === undefined);
}

export async function activeImportsCheck(ctx: StackContext, toStart: number): Promise<CheckResult> {
  if (!ctx.clients) return offline(ctx, 'active-imports', ACTIVE_IMPORTS);
  let running: Import[];
  try {
    running = await listImports(ctx, { importStatus: 'IN_PROGRESS' });
  } catch (e) {
    return callFailed('active-imports', ACTIVE_IMPORTS, 'DescribeImportTasks', 'logs:DescribeImportTasks', e);
  }
  return queueResult(running.length, toStart);
}

export function queueResult(running: number, toStart: number): CheckResult {
  const free = Math.max(0, MAX_ACTIVE_IMPORTS - running);
  const queued = Math.max(0, toStart - free);
  const detail = `${running} of ${MAX_ACTIVE_IMPORTS} running; the deployment starts ${toStart}`;
  if (queued === 0) return pass('active-imports', ACTIVE_IMPORTS, `${detail}: none will queue`);
  return warn('active-imports', ACTIVE_IMPORTS, `${detail}: ${queued} will queue until a running import finishes`,
    'A queued import waits in the orchestrator\'s queue and starts when a slot frees, after the deployment; with waitForCompletion the deployment waits up to completionTimeout, then fails. Follow it with `cdk-eventdatastore-import status`.');
}

/** Existing imports of the same store whose window overlaps the declared one (the stack's own imports aside). */
export async function overlapCheck(
  ctx: StackContext, imp: DeclaredImport, store: StoreFacts, ownImportIds: ReadonlySet<string>,
): Promise<CheckResult> {
  if (store.planned) return pass('overlap', OVERLAP, 'the deployment creates the store: no import of it exists yet');
  // Its import exists already (whatever the physical ID is: an import ID, a record ID): a deployment starts no other.
  if (imp.physicalId !== undefined) return pass('overlap', OVERLAP, 'deployed already: a deployment starts no new import for it unless its store or time range changes');
  if (!ctx.clients) return offline(ctx, 'overlap', OVERLAP);
  let existing: Import[];
  try {
    existing = await listImports(ctx, { importSourceArn: store.arn });
  } catch (e) {
    return callFailed('overlap', OVERLAP, 'DescribeImportTasks', 'logs:DescribeImportTasks', e);
  }
  return overlapResult(imp.window, existing.filter((i) => !ownImportIds.has(i.importId ?? '')), ctx.now);
}

export function overlapResult(window: ImportWindow, existing: readonly Import[], now: number): CheckResult {
  const declared = intervalOf(window, now);
  // A FAILED import may have written part of its window, a CANCELLED one keeps what it imported: both count.
  const overlapping = declared === undefined ? [] : existing.filter((i) => overlaps(declared, filterInterval(i)));
  if (overlapping.length === 0) return pass('overlap', OVERLAP, `${existing.length} other ${existing.length === 1 ? 'import' : 'imports'} of the store, none overlapping`);
  const listed = overlapping.map((i) => `${i.importId} (${i.importStatus}, ${describeInterval(filterInterval(i))})`).join(', ');
  const certain = overlapping.some((i) => i.importStatus === 'IN_PROGRESS' || i.importStatus === 'COMPLETED');
  const fix = 'Narrow the time range to what those imports do not cover, or drop this import: the destination log group would get the overlap twice.';
  return certain
    ? fail('overlap', OVERLAP, `overlaps ${listed}`, fix)
    : warn('overlap', OVERLAP, `overlaps ${listed}, which may have imported part of it`, fix);
}

type Interval = readonly [number, number];

function intervalOf(window: ImportWindow, now: number): Interval | undefined {
  switch (window.kind) {
    case 'whole-retention': return [-Infinity, Infinity];
    case 'fixed': return [window.start, window.end];
    case 'lookback': return [now - window.millis, now];
    case 'unresolved': return undefined;
  }
}

/** An import without a filter took the whole retention period. */
function filterInterval(imp: Import): Interval {
  return [imp.importFilter?.startEventTime ?? -Infinity, imp.importFilter?.endEventTime ?? Infinity];
}

function overlaps(a: Interval, b: Interval): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

function describeInterval([start, end]: Interval): string {
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '');
  return Number.isFinite(start) || Number.isFinite(end) ? `${iso(start) || 'start of retention'} to ${iso(end) || 'now'}` : 'whole retention';
}
