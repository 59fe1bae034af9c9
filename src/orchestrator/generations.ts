/**
 * The generations of a record's execution. A Standard execution's history holds 25,000 events, so
 * a record whose import queues and runs for weeks outlives several executions, one after the other:
 * generation 0 is named by the record ID, generation n by `<record ID>-g<n>` (StartExecution with a
 * name is idempotent: a re-delivered hand-over starts nothing twice). The record names the current
 * one (`generation`, `executionArn`); whatever looks for "the record's execution" reads it there.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { subjectOf } from './imports';
import { Runtime } from './runtime';
import type { StepName } from './steps';
import { Ledger } from '../ledger/ledger';
import { OwnerRecord } from '../ledger/record';
import { errorMessage, withRetries } from '../shared/aws-errors';

/** What an execution is started with. */
export interface ExecutionInput {
  readonly table: string;
  readonly key: { readonly pk: string; readonly sk: string };
  /** A later generation: the step it starts at (the one its predecessor would have run next). */
  readonly resumeAt?: StepName;
}

export function executionName(recordId: string, generation: number): string {
  return generation === 0 ? recordId : `${recordId}-g${generation}`;
}

/** The generation an execution of the record is, by its name. */
export function generationOf(recordId: string, name: string): number {
  if (name === recordId) return 0;
  const match = name.startsWith(`${recordId}-g`) ? /^[1-9][0-9]*$/.exec(name.slice(recordId.length + 2)) : null;
  if (!match) throw new Error(`execution ${name} is not one of record ${recordId}'s`);
  return Number(match[0]);
}

export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts the named execution, or finds it started: a running one with the same input is
 * StartExecution's idempotent answer; a finished one is ExecutionAlreadyExists, and ours all the
 * same (names are unique per state machine for 90 days, and this one is the record's).
 */
export async function startNamedExecution(
  rt: Runtime, record: OwnerRecord, stateMachineArn: string, name: string, input: ExecutionInput,
): Promise<string> {
  try {
    const started = await withRetries(rt, { subject: subjectOf(record), call: 'StartExecution' }, () =>
      rt.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })));
    return started.executionArn!;
  } catch (error) {
    if (!/ExecutionAlreadyExists/.test(`${(error as Error).name} ${errorMessage(error)}`)) throw error;
    const executionArn = executionArnOf(stateMachineArn, name);
    await rt.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return executionArn;
  }
}

export interface HandOverRequest {
  readonly stateMachineArn: string;
  /** The name of the execution that hands over. */
  readonly executionName: string;
  readonly resumeAt: StepName;
}

/**
 * The execution that asks hands the record over to the next generation. The record names the new
 * execution first (a conditional write: once), then it is started: a look at the record's
 * execution in between finds none yet, which keeps the slot lease (the safe side), and a retried
 * step finds it named and starts it again, idempotently.
 */
export async function handOver(rt: Runtime, ledger: Ledger, record: OwnerRecord, request: HandOverRequest): Promise<void> {
  const mine = generationOf(record.sk, request.executionName);
  const next = mine + 1;
  const name = executionName(record.sk, next);
  const executionArn = executionArnOf(request.stateMachineArn, name);
  const current = record.generation ?? 0;
  if (current === mine) {
    if (!(await ledger.moveExecution(record, mine, next, executionArn)) && ((await ledger.get(record))?.generation ?? 0) !== next) {
      throw new Error(`${subjectOf(record)}: the record moved on from generation ${mine} while it handed over`);
    }
  } else if (current !== next) {
    throw new Error(`${subjectOf(record)}: generation ${mine} cannot hand over, the record is at generation ${current}`);
  }
  const input = { table: ledger.tableName, key: { pk: record.pk, sk: record.sk }, resumeAt: request.resumeAt };
  await startNamedExecution(rt, record, request.stateMachineArn, name, input);
  rt.log(`${subjectOf(record)}: execution generation ${mine} hands over to generation ${next} (${executionArn}), which resumes at ${request.resumeAt}`);
}
