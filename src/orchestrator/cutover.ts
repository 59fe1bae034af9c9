/**
 * A migration's two deploy-time decisions beyond the import itself: where the import's window
 * ends (the cutover: where ongoing ingestion demonstrably starts, so no event falls in a gap), and
 * when the store's Lake ingestion may stop (after the parallel run, once the import has COMPLETED
 * and ongoing events still arrive). Both are steps of the record's execution.
 */
import { GetEventDataStoreCommand, StopEventDataStoreIngestionCommand } from '@aws-sdk/client-cloudtrail';
import type { FilterLogEventsCommand, FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { LAKE_DELIVERY_ALLOWANCE_MS, RECENT_DELIVERY_MS, STOP_GIVE_UP_MS } from './contract';
import { subjectOf } from './imports';
import { Runtime } from './runtime';
import { Ledger } from '../ledger/ledger';
import { CutoverPlan, firstEventKey, IngestionStopPlan, OwnerRecord } from '../ledger/record';
import { classifyError, errorMessage, errorName, withRetries } from '../shared/aws-errors';
import { earliestEventSince as firstEventSince } from '../shared/log-events';

/** Up to this many events are read to find a group's earliest (more only narrows the overlap). */
const FIRST_EVENTS_PAGE = 100;

export type CutoverOutcome = 'CUTOVER_READY' | 'CUTOVER_PENDING' | 'ENDED';

/**
 * Measures the cutover once every ongoing log group has an event, then waits for the window's end
 * (the cutover plus the overlap) to pass and Lake to hold it. A record without cutover is ready.
 */
export async function awaitCutover(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<CutoverOutcome> {
  const plan = record.cutover;
  if (!plan) return 'CUTOVER_READY';
  if (plan.cutoverTime === undefined) {
    const { plan: measured, unreadable } = await measureCutover(rt, record, plan);
    if (measured.cutoverTime === undefined) return noOngoingEventsYet(rt, ledger, record, measured, unreadable);
    const end = measured.cutoverTime + plan.overlapMs;
    const start = record.window.startEventTime;
    if (start !== undefined && start >= end) {
      await ledger.update(record, {
        state: 'FAILED',
        cutover: measured,
        errorMessage: `the history start (${iso(start)}) is not before the import's end at the cutover (${iso(end)}): there is no history to import. ` +
          'Move the start earlier, or migrate without importing history.',
      }, ['SCHEDULED']);
      return 'ENDED';
    }
    const readyAt = reachedAt(rt, end + LAKE_DELIVERY_ALLOWANCE_MS);
    await ledger.update(record, { cutover: { ...measured, readyAt }, window: { startEventTime: start, endEventTime: end } }, ['SCHEDULED']);
    const accounts = measured.memberAccounts ? ` in this account and ${measured.memberAccounts.length} member accounts` : '';
    rt.log(`${subjectOf(record)}: ongoing ingestion demonstrably started${accounts} at ${iso(measured.cutoverTime)}; the import's window ends at ${iso(end)} ` +
      `(${Math.round(plan.overlapMs / 60_000)} min of overlap) and is created from ${iso(readyAt)}`);
    return rt.now() >= readyAt ? 'CUTOVER_READY' : 'CUTOVER_PENDING';
  }
  return rt.now() >= (plan.readyAt ?? 0) ? 'CUTOVER_READY' : 'CUTOVER_PENDING';
}

/** Where a store's ongoing events land: the stack's own account, and each member account of an organisation store. */
interface DeliveryAccount {
  /** undefined: the stack's own account. */
  readonly account?: string;
  /** undefined: the store's own region. */
  readonly region?: string;
  readonly send: (command: FilterLogEventsCommand) => Promise<FilterLogEventsCommandOutput>;
}

/** Every account the store's events land in (the stack's own first) in every region measured (the store's own first). */
function deliveryAccounts(rt: Runtime, record: OwnerRecord, plan: CutoverPlan): DeliveryAccount[] {
  const regions: Array<string | undefined> = [undefined, ...(plan.regions ?? [])];
  if (plan.regions?.length && !rt.logsIn) throw new Error('the orchestrator has no way to read other regions (an orchestrator fault)');
  const readers: DeliveryAccount[] = regions.map((region) => {
    const client = region === undefined ? rt.logs : rt.logsIn!(region);
    return { region, send: (command) => withRetries(rt, { subject: subjectOf(record), call: 'FilterLogEvents' }, () => client.send(command)) };
  });
  const members = plan.memberAccounts ?? [];
  if (members.length === 0) return readers;
  if (!rt.memberLogs) throw new Error('the orchestrator has no way to read member accounts (an orchestrator fault)');
  const partition = record.sourceArn.split(':')[1] || 'aws';
  // No retries of the orchestrator's own here: a member not readable yet (its reader role not deployed) counts as not delivering
  // this poll, and the next poll asks again; the SDK still retries throttling.
  return [...readers, ...members.flatMap((account) => regions.map((region) => {
    const client = rt.memberLogs!(`arn:${partition}:iam::${account}:role/${plan.memberRoleName}`, region);
    return { account, region, send: (command: FilterLogEventsCommand) => client.send(command) };
  }))];
}

/** Accounts that could not be read on this poll, and why (their reader role missing, say). */
type Unreadable = Map<string, string>;

/** The earliest ongoing event of each group not measured yet; the cutover once all have one. */
async function measureCutover(rt: Runtime, record: OwnerRecord, plan: CutoverPlan): Promise<{ plan: CutoverPlan; unreadable: Unreadable }> {
  const firstEvents = { ...plan.firstEvents };
  const unreadable: Unreadable = new Map();
  const accounts = deliveryAccounts(rt, record, plan);
  for (const reader of accounts) {
    for (const group of plan.logGroupNames) {
      const key = firstEventKey(reader.account, group, reader.region);
      if (firstEvents[key] !== undefined) continue;
      // Only events from the resource's creation on: the rule existed by then (the resource depends on it), so every
      // later event is delivered. An earlier one may be another rule's (an older one, or the organisation's), which
      // proves nothing about this one; an event of this rule stamped earlier is in the import anyway.
      const first = await readFirstEvent(rt, record, reader, group, record.createdAt, unreadable);
      if (first !== undefined) firstEvents[key] = first;
    }
  }
  const all = accounts.flatMap((a) => plan.logGroupNames.map((g) => firstEvents[firstEventKey(a.account, g, a.region)]));
  // Ingestion has started for the store only when it has for every category it collects, in every account it
  // receives events from: the latest first event.
  const cutoverTime = all.every((t) => t !== undefined) ? Math.max(...(all as number[])) : undefined;
  return { plan: { ...plan, firstEvents, cutoverTime }, unreadable };
}

async function readFirstEvent(
  rt: Runtime, record: OwnerRecord, reader: DeliveryAccount, group: string, since: number, unreadable: Unreadable,
): Promise<number | undefined> {
  if (reader.account !== undefined && unreadable.has(reader.account)) return undefined;
  try {
    return await firstEventSince(reader.send, group, since, FIRST_EVENTS_PAGE);
  } catch (error) {
    if (reader.account === undefined) throw error;
    unreadable.set(reader.account, `${errorName(error)}: ${errorMessage(error)}`);
    rt.log(`${subjectOf(record)}: cannot read ${group}${reader.region ? ` (${reader.region})` : ''} of account ${reader.account} yet (${errorName(error)}: ${errorMessage(error)})`);
    return undefined;
  }
}

/** What has not delivered yet: the stack's own groups, and the member accounts (by ID) with a group not delivered. */
function notDelivered(plan: CutoverPlan, events: Record<string, number> | undefined): { groups: string[]; accounts: string[] } {
  const regions: Array<string | undefined> = [undefined, ...(plan.regions ?? [])];
  const groups = regions.flatMap((r) => plan.logGroupNames.filter((g) => events?.[firstEventKey(undefined, g, r)] === undefined)
    .map((g) => (r === undefined ? g : `${g} (${r})`)));
  const accounts = (plan.memberAccounts ?? [])
    .filter((a) => regions.some((r) => plan.logGroupNames.some((g) => events?.[firstEventKey(a, g, r)] === undefined)));
  return { groups, accounts };
}

function describeAccounts(accounts: string[], of: number, unreadable: Unreadable): string {
  const shown = accounts.slice(0, 20).map((a) => (unreadable.has(a) ? `${a} (not readable: ${unreadable.get(a)})` : a));
  return `member account${accounts.length === 1 ? '' : 's'} ${shown.join(', ')}${accounts.length > shown.length ? ` and ${accounts.length - shown.length} more` : ''} (of ${of})`;
}

async function noOngoingEventsYet(
  rt: Runtime, ledger: Ledger, record: OwnerRecord, measured: CutoverPlan, unreadable: Unreadable,
): Promise<CutoverOutcome> {
  const missing = notDelivered(measured, measured.firstEvents);
  const members = measured.memberAccounts?.length ?? 0;
  const where = [
    ...(missing.groups.length > 0 ? [`${missing.groups.join(', ')}${members > 0 ? ' of this account' : ''}`] : []),
    ...(missing.accounts.length > 0 ? [`${measured.logGroupNames.join(', ')} of ${describeAccounts(missing.accounts, members, unreadable)}`] : []),
  ].join('; nor ');
  if (rt.now() - record.createdAt > rt.timeScale * measured.timeoutMs) {
    await ledger.update(record, {
      state: 'FAILED',
      cutover: measured,
      errorMessage: `no ongoing CloudTrail event reached ${where} within ${Math.round(measured.timeoutMs / 3_600_000 * 10) / 10} h ` +
        'of the telemetry rule\'s creation, so the cutover could not be measured and no history was imported (a gap is never risked). ' +
        'Check the rule in the CloudWatch console (Telemetry config, Enablement rules), that telemetry evaluation is running, and that the store\'s ' +
        `selectors match events in ${members > 0 ? 'those accounts (and that each has its MemberDeliveryReader)' : 'this account'}; ` +
        'then replace the resource (change its history start) to measure again.',
    }, ['SCHEDULED']);
    return 'ENDED';
  }
  if (missing.accounts.length > 0) rt.log(`${subjectOf(record)}: waiting for the first ongoing event of ${describeAccounts(missing.accounts, members, unreadable)}`);
  await ledger.update(record, { cutover: measured }, ['SCHEDULED']);
  return 'CUTOVER_PENDING';
}

/** An event time `eventTime` reached on the orchestrator's clock: itself when deployed; sooner in tests, whose waits are compressed. */
function reachedAt(rt: Runtime, eventTime: number): number {
  const now = rt.now();
  return now + rt.timeScale * Math.max(0, eventTime - now);
}

/** When the stop of Lake ingestion is due: the parallel run after the cutover, and not before now (the import has just completed). */
export function stopDueAt(rt: Runtime, record: OwnerRecord, plan: IngestionStopPlan): number {
  return reachedAt(rt, (record.cutover?.cutoverTime ?? rt.now()) + plan.parallelRunMs);
}

export type StopOutcome = 'STOP_PENDING' | 'ENDED';

export interface StopResult {
  readonly outcome: StopOutcome;
  /** STOP_PENDING before the parallel run has ended: when it ends (the state machine sleeps until then). */
  readonly dueAt?: number;
  /** What happened, for the event and the topic; undefined: nothing to tell. */
  readonly told?: { readonly state: IngestionStopPlan['state']; readonly message: string };
}

/**
 * Stops the store's Lake ingestion when the parallel run is over, the import has COMPLETED, the
 * resource still exists, and ongoing events still arrive. Never deletes the store.
 */
export async function stopIngestionWhenDue(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<StopResult> {
  const plan = record.ingestionStop;
  if (!plan || plan.state !== 'PENDING') return { outcome: 'ENDED' };
  if (record.retiredAt) return settleStop(ledger, record, plan, 'CANCELLED', 'the resource was deleted before the parallel run ended: Lake ingestion keeps running');
  if (record.state !== 'COMPLETED') {
    return settleStop(ledger, record, plan, 'SKIPPED', `the import ended ${record.state}, not COMPLETED: Lake ingestion keeps running, so no history is lost`);
  }
  if (plan.dueAt === undefined) return settleStop(ledger, record, plan, 'FAILED', 'the stop had no due time (an orchestrator fault): Lake ingestion keeps running');
  if (rt.now() < plan.dueAt) return { outcome: 'STOP_PENDING', dueAt: plan.dueAt };
  // Every category the store collects must still arrive elsewhere, in every account it receives events from: one silent group keeps Lake on.
  const silent = await withoutRecentEvents(rt, record);
  if (silent.groups.length > 0 || silent.accounts.length > 0) {
    const members = record.cutover!.memberAccounts?.length ?? 0;
    const where = [
      ...(silent.groups.length > 0 ? [`${silent.groups.join(', ')}${members > 0 ? ' of this account' : ''}`] : []),
      ...(silent.accounts.length > 0 ? [`${record.cutover!.logGroupNames.join(', ')} of ${describeAccounts(silent.accounts, members, silent.unreadable)}`] : []),
    ].join('; nor ');
    if (rt.now() - plan.dueAt > rt.timeScale * STOP_GIVE_UP_MS) {
      return settleStop(ledger, record, plan, 'FAILED', `no ongoing event reached ${where} within ${RECENT_DELIVERY_MS / 60_000} minutes, ` +
        `for ${STOP_GIVE_UP_MS / 3_600_000} h after the parallel run: Lake ingestion keeps running. Check the telemetry rule, then stop it by hand ` +
        `(\`aws cloudtrail stop-event-data-store-ingestion --event-data-store ${record.sourceArn}\`).`, undefined, silentAccountsOf(silent));
    }
    rt.log(`${subjectOf(record)}: not stopping Lake ingestion yet: no ongoing event in ${where} within the last ${RECENT_DELIVERY_MS / 60_000} minutes`);
    // For `status`: who is silent. What an Update wrote meanwhile is kept.
    const current = (await ledger.get(record))?.ingestionStop;
    if (current?.state === 'PENDING') await ledger.update(record, { ingestionStop: { ...current, silentAccounts: silentAccountsOf(silent) } });
    return { outcome: 'STOP_PENDING' };
  }
  // A Delete may have come while the groups were read: it wins.
  const current = (await ledger.get(record))!;
  if (current.retiredAt || current.ingestionStop?.state !== 'PENDING') return { outcome: 'ENDED' };
  return stopIngestion(rt, ledger, record, plan);
}

/** The groups of this account, and the member accounts, without an ongoing event within the last hour. */
async function withoutRecentEvents(rt: Runtime, record: OwnerRecord): Promise<{ groups: string[]; accounts: string[]; unreadable: Unreadable }> {
  // The orchestrator's clock: compressed with its waits in tests, an hour when deployed.
  const since = rt.now() - rt.timeScale * RECENT_DELIVERY_MS;
  const plan = record.cutover!;
  const unreadable: Unreadable = new Map();
  const recent: Record<string, number> = {};
  for (const reader of deliveryAccounts(rt, record, plan)) {
    for (const group of plan.logGroupNames) {
      const latest = await readFirstEvent(rt, record, reader, group, since, unreadable);
      if (latest !== undefined) recent[firstEventKey(reader.account, group, reader.region)] = latest;
    }
  }
  return { ...notDelivered(plan, recent), unreadable };
}

function silentAccountsOf(silent: { groups: string[]; accounts: string[] }): string[] {
  return [...(silent.groups.length > 0 ? ['this account'] : []), ...silent.accounts];
}

async function stopIngestion(rt: Runtime, ledger: Ledger, record: OwnerRecord, plan: IngestionStopPlan): Promise<StopResult> {
  let refused: unknown;
  try {
    // Throttling and IAM propagation are retried; any other answer is the service's word on this store.
    refused = await withRetries(rt, { subject: subjectOf(record), call: 'StopEventDataStoreIngestion', sourceArn: record.sourceArn }, async () => {
      try {
        await rt.cloudtrail.send(new StopEventDataStoreIngestionCommand({ EventDataStore: record.sourceArn }));
        return undefined;
      } catch (error) {
        if (['transient', 'permissions'].includes(classifyError(error))) throw error;
        return error;
      }
    });
  } catch (error) {
    return settleStop(ledger, record, plan, 'FAILED', `Lake ingestion keeps running: ${errorMessage(error)}`);
  }
  if (refused !== undefined) {
    // Stopped already (by hand, or by a second migration of the store): what was asked for holds.
    if (/InvalidEventDataStoreStatus/.test(errorName(refused))) {
      // Stopped already (by hand, by a second migration, or by this step's own earlier attempt)? Or in another state (PENDING_DELETION...)?
      const status = await storeStatus(rt, record);
      if (status === 'STOPPED_INGESTION' || status === 'STOPPING_INGESTION') {
        return settleStop(ledger, record, plan, 'STOPPED', `Lake ingestion is ${status} (it was not running any more); the store and its events stay`, rt.now());
      }
      return settleStop(ledger, record, plan, 'FAILED', `Lake ingestion was not stopped: the store is ${status ?? 'in a status that cannot stop ingesting'} ` +
        `(${errorMessage(refused)}). Check it: \`aws cloudtrail get-event-data-store --event-data-store ${record.sourceArn}\`.`);
    }
    return settleStop(ledger, record, plan, 'FAILED', `Lake ingestion keeps running: StopEventDataStoreIngestion answered ${errorName(refused)} ` +
      `(${errorMessage(refused)}). Check the store (\`aws cloudtrail get-event-data-store --event-data-store ${record.sourceArn}\`), then stop it by hand ` +
      `(\`aws cloudtrail stop-event-data-store-ingestion --event-data-store ${record.sourceArn}\`).`);
  }
  rt.log(`${subjectOf(record)}: Lake ingestion stopped after the parallel run; the store and its events stay`);
  return settleStop(ledger, record, plan, 'STOPPED', 'Lake ingestion stopped after the parallel run; the event data store and its events stay (it is never deleted)', rt.now());
}

async function storeStatus(rt: Runtime, record: OwnerRecord): Promise<string | undefined> {
  try {
    const store = await withRetries(rt, { subject: subjectOf(record), call: 'GetEventDataStore', sourceArn: record.sourceArn }, () =>
      rt.cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: record.sourceArn })));
    return store.Status;
  } catch (error) {
    rt.log(`${subjectOf(record)}: could not read the store's status (${errorMessage(error)})`);
    return undefined;
  }
}

async function settleStop(ledger: Ledger, record: OwnerRecord, plan: IngestionStopPlan, state: IngestionStopPlan['state'], message: string,
  stoppedAt?: number, silentAccounts?: string[]): Promise<StopResult> {
  // What an Update or a Delete wrote meanwhile (a new parallel run) is kept; the outcome is this step's.
  const current = (await ledger.get(record))?.ingestionStop ?? plan;
  await ledger.update(record, { ingestionStop: { ...current, state, message, stoppedAt, silentAccounts } });
  return { outcome: 'ENDED', told: { state, message } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
