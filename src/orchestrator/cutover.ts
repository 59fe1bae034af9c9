/**
 * A migration's two deploy-time decisions beyond the import itself: where the import's window
 * ends (the cutover: where ongoing ingestion demonstrably starts, so no event falls in a gap), and
 * when the store's Lake ingestion may stop (after the parallel run, once the import has COMPLETED
 * and ongoing events still arrive). Both are steps of the record's execution.
 */
import { GetEventDataStoreCommand, StopEventDataStoreIngestionCommand } from '@aws-sdk/client-cloudtrail';
import { LAKE_DELIVERY_ALLOWANCE_MS, RECENT_DELIVERY_MS, STOP_GIVE_UP_MS } from './contract';
import { subjectOf } from './imports';
import { Runtime } from './runtime';
import { Ledger } from '../ledger/ledger';
import { CutoverPlan, IngestionStopPlan, OwnerRecord } from '../ledger/record';
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
    const measured = await measureCutover(rt, record, plan);
    if (measured.cutoverTime === undefined) return noOngoingEventsYet(rt, ledger, record, measured);
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
    rt.log(`${subjectOf(record)}: ongoing ingestion demonstrably started at ${iso(measured.cutoverTime)}; the import's window ends at ${iso(end)} ` +
      `(${Math.round(plan.overlapMs / 60_000)} min of overlap) and is created from ${iso(readyAt)}`);
    return rt.now() >= readyAt ? 'CUTOVER_READY' : 'CUTOVER_PENDING';
  }
  return rt.now() >= (plan.readyAt ?? 0) ? 'CUTOVER_READY' : 'CUTOVER_PENDING';
}

/** The earliest ongoing event of each group not measured yet; the cutover once all have one. */
async function measureCutover(rt: Runtime, record: OwnerRecord, plan: CutoverPlan): Promise<CutoverPlan> {
  const firstEvents = { ...plan.firstEvents };
  for (const group of plan.logGroupNames) {
    if (firstEvents[group] !== undefined) continue;
    // Only events from the resource's creation on: the rule existed by then (the resource depends on it), so every
    // later event is delivered. An earlier one may be another rule's (an older one, or the organisation's), which
    // proves nothing about this one; an event of this rule stamped earlier is in the import anyway.
    const first = await earliestEventSince(rt, record, group, record.createdAt);
    if (first !== undefined) firstEvents[group] = first;
  }
  const all = plan.logGroupNames.map((g) => firstEvents[g]);
  // Ingestion has started for the store only when it has for every category it collects: the latest first event.
  const cutoverTime = all.every((t) => t !== undefined) ? Math.max(...(all as number[])) : undefined;
  return { ...plan, firstEvents, cutoverTime };
}

async function noOngoingEventsYet(rt: Runtime, ledger: Ledger, record: OwnerRecord, measured: CutoverPlan): Promise<CutoverOutcome> {
  const missing = measured.logGroupNames.filter((g) => measured.firstEvents?.[g] === undefined);
  if (rt.now() - record.createdAt > rt.timeScale * measured.timeoutMs) {
    await ledger.update(record, {
      state: 'FAILED',
      cutover: measured,
      errorMessage: `no ongoing CloudTrail event reached ${missing.join(', ')} within ${Math.round(measured.timeoutMs / 3_600_000 * 10) / 10} h ` +
        'of the telemetry rule\'s creation, so the cutover could not be measured and no history was imported (a gap is never risked). ' +
        'Check the rule in the CloudWatch console (Telemetry config, Enablement rules), that telemetry evaluation is running, and that the store\'s ' +
        'selectors match events in this account; then replace the resource (change its history start) to measure again.',
    }, ['SCHEDULED']);
    return 'ENDED';
  }
  await ledger.update(record, { cutover: measured }, ['SCHEDULED']);
  return 'CUTOVER_PENDING';
}

/** The earliest ongoing event of a group from `since` on, with the orchestrator's retries (undefined: none yet). */
function earliestEventSince(rt: Runtime, record: OwnerRecord, logGroupName: string, since: number): Promise<number | undefined> {
  return firstEventSince((command) => withRetries(rt, { subject: subjectOf(record), call: 'FilterLogEvents' }, () => rt.logs.send(command)),
    logGroupName, since, FIRST_EVENTS_PAGE);
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
  // Every category the store collects must still arrive elsewhere: one silent group keeps Lake on.
  const silent = await groupsWithoutRecentEvents(rt, record);
  if (silent.length > 0) {
    if (rt.now() - plan.dueAt > rt.timeScale * STOP_GIVE_UP_MS) {
      return settleStop(ledger, record, plan, 'FAILED', `no ongoing event reached ${silent.join(', ')} within ${RECENT_DELIVERY_MS / 60_000} minutes, ` +
        `for ${STOP_GIVE_UP_MS / 3_600_000} h after the parallel run: Lake ingestion keeps running. Check the telemetry rule, then stop it by hand ` +
        `(\`aws cloudtrail stop-event-data-store-ingestion --event-data-store ${record.sourceArn}\`).`);
    }
    rt.log(`${subjectOf(record)}: not stopping Lake ingestion yet: no ongoing event in ${silent.join(', ')} within the last ${RECENT_DELIVERY_MS / 60_000} minutes`);
    return { outcome: 'STOP_PENDING' };
  }
  // A Delete may have come while the groups were read: it wins.
  const current = (await ledger.get(record))!;
  if (current.retiredAt || current.ingestionStop?.state !== 'PENDING') return { outcome: 'ENDED' };
  return stopIngestion(rt, ledger, record, plan);
}

async function groupsWithoutRecentEvents(rt: Runtime, record: OwnerRecord): Promise<string[]> {
  // The orchestrator's clock: compressed with its waits in tests, an hour when deployed.
  const since = rt.now() - rt.timeScale * RECENT_DELIVERY_MS;
  const silent: string[] = [];
  for (const group of record.cutover!.logGroupNames) {
    if ((await earliestEventSince(rt, record, group, since)) === undefined) silent.push(group);
  }
  return silent;
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

async function settleStop(ledger: Ledger, record: OwnerRecord, plan: IngestionStopPlan, state: IngestionStopPlan['state'], message: string, stoppedAt?: number): Promise<StopResult> {
  // What an Update or a Delete wrote meanwhile (a new parallel run) is kept; the outcome is this step's.
  const current = (await ledger.get(record))?.ingestionStop ?? plan;
  await ledger.update(record, { ingestionStop: { ...current, state, message, stoppedAt } });
  return { outcome: 'ENDED', told: { state, message } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
