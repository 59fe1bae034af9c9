/**
 * The event data store of an import: where it is, whether it exists, its status, and whether its
 * retention covers the window (CloudTrail GetEventDataStore, or the template for a store that the
 * deployment creates).
 */
import { GetEventDataStoreCommand, GetEventDataStoreCommandOutput } from '@aws-sdk/client-cloudtrail';
import { callFailed, offline, StackContext } from './context';
import { isResolved } from './intrinsics';
import { CheckResult, couldNotCheck, fail, pass, warn } from './report';
import { DeclaredImport, ImportWindow, kmsKeyIdOfStore, retentionDaysInTemplate } from './template-reading';
import { errorName } from '../shared/aws-errors';

const STORE_ARN = /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):eventdatastore\/([-a-zA-Z0-9]+)$/;
const DAY_MS = 86_400_000;

/** What the store checks learned, for the checks that follow. */
export interface StoreFacts {
  readonly arn: string;
  readonly id: string;
  /** The store does not exist yet: the deployment creates it. */
  readonly planned: boolean;
  /** True when CloudTrail says there is no such store (not when it could not be asked). */
  readonly missing: boolean;
  /** KmsKeyId as the store (or the template) gives it; unknown when the store could not be read. */
  readonly kmsKeyId?: string;
  /** What GetEventDataStore said; undefined when the store was not read (planned, offline, the call failed). */
  readonly live?: GetEventDataStoreCommandOutput;
}

export interface StoreCheckResults {
  readonly checks: CheckResult[];
  /** Undefined when the store's ARN is unusable: the other checks cannot name it. */
  readonly store?: StoreFacts;
}

export async function checkStore(ctx: StackContext, imp: DeclaredImport): Promise<StoreCheckResults> {
  if (!isResolved(imp.sourceArn)) {
    return { checks: [couldNotCheck('store-arn', 'the event data store ARN', 'ImportSourceArn is a value preflight cannot resolve from the template', 'Check the store by hand, or run preflight against the deployed stack (--stack).')] };
  }
  const parts = STORE_ARN.exec(imp.sourceArn);
  if (!parts) {
    return { checks: [fail('store-arn', 'the event data store ARN', `${imp.sourceArn} is not an event data store ARN`, 'Use arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>.')] };
  }
  const [, , region, account, id] = parts;
  const location = locationCheck(ctx, region, account);
  const planned = imp.storeLogicalId !== undefined && !ctx.resolver.exists(imp.storeLogicalId);
  if (planned) {
    const kmsKeyId = kmsKeyIdOfStore(ctx.resolver, imp.storeLogicalId!);
    return { checks: [location, ...plannedStoreChecks(ctx, imp)], store: { arn: imp.sourceArn, id, planned, missing: false, kmsKeyId } };
  }
  const live = await liveStoreChecks(ctx, imp);
  return {
    checks: [location, ...live.checks],
    store: { arn: imp.sourceArn, id, planned, missing: live.missing, kmsKeyId: live.response?.KmsKeyId, live: live.response },
  };
}

/** Imports are regional: the store must be in the stack's region and account. */
function locationCheck(ctx: StackContext, region: string, account: string): CheckResult {
  const title = 'the store is in the stack\'s region and account';
  if (region === ctx.region && account === ctx.account) return pass('store-location', title, `${region}, ${account}`);
  return fail('store-location', title, `the store is in ${region}, account ${account}; the stack deploys to ${ctx.region}, account ${ctx.account}`,
    `CreateImportTask reads stores of its own region and account only: deploy the import in ${region} and account ${account}.`);
}

function plannedStoreChecks(ctx: StackContext, imp: DeclaredImport): CheckResult[] {
  const exists = couldNotCheck('store-exists', 'the event data store exists and its status allows an import',
    `the deployment creates it (${imp.storeLogicalId}): it cannot be read before`,
    `After the deployment, check it with \`cdk-eventdatastore-import preflight --stack ${ctx.stack.stackName}\`.`);
  return [exists, retentionCheck(imp.window, retentionDaysInTemplate(ctx.resolver, imp.storeLogicalId!), ctx.now)];
}

interface LiveStoreResults {
  readonly checks: CheckResult[];
  readonly response?: GetEventDataStoreCommandOutput;
  readonly missing: boolean;
}

async function liveStoreChecks(ctx: StackContext, imp: DeclaredImport): Promise<LiveStoreResults> {
  const title = 'the event data store exists';
  if (!ctx.clients) return { checks: [offline(ctx, 'store-exists', title)], missing: false };
  let response: GetEventDataStoreCommandOutput;
  try {
    response = await ctx.clients.cloudTrail.send(new GetEventDataStoreCommand({ EventDataStore: imp.sourceArn }));
  } catch (e) {
    if (errorName(e) === 'EventDataStoreNotFoundException') {
      const fix = 'Check the ARN (and the region and account of the credentials): the import cannot start without its store.';
      return { checks: [fail('store-exists', title, `CloudTrail has no event data store ${imp.sourceArn}`, fix)], missing: true };
    }
    return { checks: [callFailed('store-exists', title, 'GetEventDataStore', 'cloudtrail:GetEventDataStore on the store', e)], missing: false };
  }
  return {
    checks: [
      pass('store-exists', title, `${response.Name ?? imp.sourceArn}`),
      statusCheck(response.Status ?? 'UNKNOWN'),
      retentionCheck(imp.window, response.RetentionPeriod, ctx.now),
    ],
    response,
    missing: false,
  };
}

/** AWS says the source must be "in an ACTIVE state" without saying which statuses those are. */
export function statusCheck(status: string): CheckResult {
  const title = 'the store\'s status allows an import';
  switch (status) {
    case 'ENABLED':
      return pass('store-status', title, 'ENABLED');
    case 'PENDING_DELETION':
      return fail('store-status', title, 'PENDING_DELETION: the store is being deleted',
        'Restore it (`aws cloudtrail restore-event-data-store --event-data-store <arn>`) within its 7-day wait, or import another store.');
    case 'STOPPED_INGESTION':
    case 'STOPPING_INGESTION':
    case 'STARTING_INGESTION':
    case 'CREATED':
      return warn('store-status', title, `${status}: CreateImportTask needs an "ACTIVE" source, and AWS does not say whether ${status} counts`,
        'If the import fails with InvalidOperationException, start ingestion (`aws cloudtrail start-event-data-store-ingestion --event-data-store <arn>`) and deploy again; record what you saw in docs/INTEG.md.');
    default:
      return warn('store-status', title, `${status}: a status preflight does not know`, 'Check that the store is enabled before deploying.');
  }
}

/** The window's events must be inside the retention period (judged by event time). */
export function retentionCheck(window: ImportWindow, retentionDays: number | undefined, now: number): CheckResult {
  const id = 'store-retention';
  const title = 'the store\'s retention covers the time range';
  if (window.kind === 'unresolved') return couldNotCheck(id, title, window.reason, 'Check the time range by hand against the store\'s retention period.');
  if (window.kind === 'whole-retention') return pass(id, title, 'no time range: the import takes what the retention period holds');
  if (retentionDays === undefined) return couldNotCheck(id, title, 'the store\'s retention period is not known', 'Check the time range by hand against the store\'s retention period.');
  const oldestKept = now - retentionDays * DAY_MS;
  const start = window.kind === 'lookback' ? now - window.millis : window.start;
  if (start >= oldestKept) return pass(id, title, `${retentionDays} days of retention reach back to ${isoDay(oldestKept)}; the range starts ${isoDay(start)}`);
  const neededDays = Math.ceil((now - start) / DAY_MS);
  return fail(id, title, `the range starts ${isoDay(start)}, before ${isoDay(oldestKept)} (${retentionDays} days of retention)`,
    `Start the range on ${isoDay(oldestKept)} or later, or extend the store's retention to at least ${neededDays} days (CreateImportTask rejects data outside it).`);
}

function isoDay(epochMillis: number): string {
  return new Date(Math.max(0, epochMillis)).toISOString().slice(0, 10);
}
