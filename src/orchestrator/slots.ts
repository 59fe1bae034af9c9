/**
 * The account's import slots (at most 3 imports run at once), leased through the ledger so that
 * the stack's executions never race each other into a refused CreateImportTask. Imports this
 * ledger does not know of (other stacks, the console) take slots too: they are counted, not leased.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { MAX_ACTIVE_IMPORTS } from './contract';
import { activeImportIds, subjectOf } from './imports';
import { Runtime } from './runtime';
import { Ledger } from '../ledger/ledger';
import { isLive, OwnerRecord, SlotHolder } from '../ledger/record';
import { withRetries } from '../shared/aws-errors';

/** Lease writes lost to another execution before giving up for this poll. */
const LEASE_RACES = 5;

export type SlotOutcome = 'ACQUIRED' | 'BUSY';

export async function acquireSlot(rt: Runtime, ledger: Ledger, record: OwnerRecord): Promise<SlotOutcome> {
  let outcome: SlotOutcome = 'BUSY';
  await changeLeases(ledger, async (current) => {
    if (current[record.sk]) {
      outcome = 'ACQUIRED';
      return undefined;
    }
    const holders = await withoutStaleHolders(rt, ledger, current);
    const leased = new Set(Object.values(holders).map((h) => h.importId).filter((id) => id));
    const foreign = (await activeImportIds(rt, record)).filter((id) => !leased.has(id));
    outcome = Object.keys(holders).length + foreign.length >= MAX_ACTIVE_IMPORTS ? 'BUSY' : 'ACQUIRED';
    return outcome === 'ACQUIRED' ? { ...holders, [record.sk]: { pk: record.pk, since: rt.now() } } : undefined;
  }, () => { outcome = 'BUSY'; });
  return outcome;
}

/** Gives the record's slot back (idempotent). */
export async function releaseSlot(ledger: Ledger, record: Pick<OwnerRecord, 'sk'>): Promise<void> {
  await changeLeases(ledger, async (current) => {
    if (!current[record.sk]) return undefined;
    const { [record.sk]: _released, ...rest } = current;
    return rest;
  });
}

/** Notes the import ID on the lease, so that the import is not also counted as a foreign one. */
export async function noteImportOnSlot(ledger: Ledger, record: Pick<OwnerRecord, 'sk'>, importId: string): Promise<void> {
  await changeLeases(ledger, async (current) => {
    const holder = current[record.sk];
    return holder ? { ...current, [record.sk]: { ...holder, importId } } : undefined;
  });
}

/**
 * Reads the leases, lets `change` compute the new ones (undefined: nothing to write), and writes
 * them if nobody changed them meanwhile; on a lost race, reads again, a bounded number of times.
 */
async function changeLeases(
  ledger: Ledger,
  change: (current: Record<string, SlotHolder>) => Promise<Record<string, SlotHolder> | undefined>,
  onRacesLost: () => void = () => undefined,
): Promise<void> {
  for (let race = 0; race < LEASE_RACES; race++) {
    const slots = await ledger.slots();
    const next = await change(slots.holders);
    if (!next || await ledger.writeSlots(slots, next)) return;
  }
  onRacesLost();
}

/**
 * A lease whose record has ended, or whose execution no longer runs (stopped by a person, to pause
 * it), is free again. A running import of such a record still counts: as a foreign one.
 */
async function withoutStaleHolders(rt: Runtime, ledger: Ledger, holders: Record<string, SlotHolder>): Promise<Record<string, SlotHolder>> {
  const kept: Record<string, SlotHolder> = {};
  for (const [sk, holder] of Object.entries(holders)) {
    const owner = await ledger.get({ pk: holder.pk, sk });
    if (owner && isLive(owner) && await executionRuns(rt, owner)) kept[sk] = holder;
  }
  return kept;
}

/** Whether the record's execution still runs (true when it cannot be told: the safe side for a lease). */
export async function executionRuns(rt: Runtime, record: OwnerRecord): Promise<boolean> {
  if (!record.executionArn) return true; // being started right now
  try {
    const execution = await withRetries(rt, { subject: subjectOf(record), call: 'DescribeExecution' }, () =>
      rt.sfn.send(new DescribeExecutionCommand({ executionArn: record.executionArn })));
    return execution.status === 'RUNNING';
  } catch (error) {
    // Could not tell: keep the lease (a slot held too long is safer than an import too many).
    rt.log(`${subjectOf(record)}: could not describe ${record.executionArn}: ${(error as Error).message}`);
    return true;
  }
}
