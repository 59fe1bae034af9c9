/**
 * Deploy-time handler benchmarks against the CloudWatch Logs stand-in, run in a fresh child process
 * by bench/handler.ts (the handler reads its environment when it is loaded):
 *
 *   node -r ts-node/register/transpile-only bench/handler-api.ts <bundle> <trials> <simScale>
 *
 * Loads the BUNDLED handler (what ships) with AWS_ENDPOINT_URL pointing at a loopback stand-in,
 * sends it CloudFormation-shaped events and prints one JSON line:
 * - the API calls of each request (Create, Delete under RETAIN and DESTROY, isComplete polls);
 * - a simulation of wait mode: isComplete driven every POLL_INTERVAL (scaled), the import
 *   completing at a random instant, and the delay until the handler reports success.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from './util';
import { POLL_INTERVAL } from '../src/event-data-store-import/import-provider';
import { CloudWatchLogsStandIn } from '../test/stand-in/cloudwatch-logs-stand-in';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/bench-import-role`;
const DAY_MS = 86_400_000;
/** Seed of the completion instants, so that every run simulates the same ones. */
const SEED = 20_261_125;
/** The completion instant is uniform over this many poll intervals after the first poll. */
const COMPLETION_SPREAD_INTERVALS = 3;

type Handler = (event: any) => Promise<any>;

/** API calls by operation, e.g. { DescribeImportTasks: 2, CreateImportTask: 1 }. */
export type CallCounts = Record<string, number>;

export interface RequestCalls {
  readonly onEvent: CallCounts;
  readonly isComplete: CallCounts;
}

export interface WaitSimulation {
  readonly pollIntervalSeconds: number;
  readonly simScale: number;
  readonly trials: number;
  /** Simulated seconds from the import's completion to the start of the poll that saw it (0 if it completed during that poll). */
  readonly waitSeconds: number[];
  /** Real milliseconds the handler took for the poll that saw the completion (not scaled). */
  readonly detectingPollMs: number[];
  /** Real milliseconds of every isComplete poll. */
  readonly pollMs: number[];
  /** How late the scaled poll timers fired, in simulated seconds. */
  readonly timerLateSeconds: number[];
  /** API calls per isComplete poll while the import runs, and on the poll that sees it complete. */
  readonly callsPerPoll: CallCounts;
  readonly callsPerFinalPoll: CallCounts;
  readonly polls: number;
}

export interface HandlerApiResults {
  readonly createNoWait: RequestCalls;
  readonly createWait: RequestCalls & { readonly isCompleteWhileRunning: CallCounts };
  readonly deleteRetain: RequestCalls;
  readonly deleteDestroyRunning: RequestCalls;
  readonly deleteDestroyCompleted: RequestCalls;
  readonly simulation: WaitSimulation;
}

async function main(): Promise<void> {
  const [bundle, trialsArg, scaleArg] = process.argv.slice(2);
  const trials = Number(trialsArg ?? 100);
  const simScale = Number(scaleArg ?? 0.005);

  const standIn = await CloudWatchLogsStandIn.start({ region: REGION, account: ACCOUNT });
  // The handler creates its clients when it is loaded: set the environment first.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: standIn.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'y',
    IMPORT_HANDLER_TIME_SCALE: '0.001',
  });
  // The handler logs every request: keep stdout for the result.
  const logged: string[] = [];
  console.log = (...args: unknown[]) => { logged.push(args.map(String).join(' ')); };

  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const handler: Handler = require(bundle).handler;
    const bench = new HandlerBench(handler, standIn);
    const results: HandlerApiResults = {
      createNoWait: await bench.createNoWait(),
      createWait: await bench.createWait(),
      deleteRetain: await bench.deleteOf('retain', false),
      deleteDestroyRunning: await bench.deleteOf('destroy', false),
      deleteDestroyCompleted: await bench.deleteOf('destroy', true),
      simulation: await bench.simulateWait(trials, simScale),
    };
    process.stdout.write(JSON.stringify(results) + '\n');
  } catch (error) {
    process.stderr.write(`${String((error as Error)?.stack ?? error)}\nlast handler log lines:\n${logged.slice(-20).join('\n')}\n`);
    process.exitCode = 1;
  } finally {
    await standIn.stop();
  }
}

class HandlerBench {
  private stores = 0;

  constructor(private readonly handler: Handler, private readonly standIn: CloudWatchLogsStandIn) {}

  /** Create without waiting: onEvent starts the import, isComplete only confirms. */
  public async createNoWait(): Promise<RequestCalls> {
    const props = this.newImportProps({ wait: false, removal: 'retain' });
    const { result: created, calls: onEvent } = await this.counted(() => this.handler(cfnEvent('Create', props)));
    const { calls: isComplete } = await this.counted(() => this.handler(cfnEvent('Create', props, created)));
    this.standIn.completeImport(created.PhysicalResourceId);
    return { onEvent, isComplete };
  }

  /** Create in wait mode: isComplete reads the import (and its batches) on every poll. */
  public async createWait(): Promise<RequestCalls & { isCompleteWhileRunning: CallCounts }> {
    const props = this.newImportProps({ wait: true, removal: 'retain' });
    const { result: created, calls: onEvent } = await this.counted(() => this.handler(cfnEvent('Create', props)));
    const running = await this.counted(() => this.handler(cfnEvent('Create', props, created)));
    if (running.result.IsComplete) throw new Error('wait mode: isComplete reported a running import complete');
    this.standIn.completeImport(created.PhysicalResourceId);
    const done = await this.counted(() => this.handler(cfnEvent('Create', props, created)));
    if (!done.result.IsComplete) throw new Error('wait mode: isComplete did not report the completed import');
    return { onEvent, isComplete: done.calls, isCompleteWhileRunning: running.calls };
  }

  /** Delete of an import that is still running or already completed, under a removal policy. */
  public async deleteOf(removal: 'retain' | 'destroy', completed: boolean): Promise<RequestCalls> {
    const props = this.newImportProps({ wait: false, removal });
    const created = await this.handler(cfnEvent('Create', props));
    if (completed) this.standIn.completeImport(created.PhysicalResourceId);
    const deleteEvent = cfnEvent('Delete', props, { PhysicalResourceId: created.PhysicalResourceId });
    const { result: deleted, calls: onEvent } = await this.counted(() => this.handler(deleteEvent));
    const { calls: isComplete } = await this.counted(() => this.handler({ ...deleteEvent, Data: deleted.Data }));
    // Free the slot for what follows.
    const record = this.standIn.imports.find((i) => i.importId === created.PhysicalResourceId);
    if (record?.importStatus === 'IN_PROGRESS') this.standIn.completeImport(record.importId);
    return { onEvent, isComplete };
  }

  /**
   * Wait mode as the provider framework drives it: its waiter state machine calls isComplete right
   * after onEvent, then again POLL_INTERVAL after each "not yet" (Step Functions Retry, BackoffRate 1).
   * Time is scaled by `scale` (1 simulated second = 1000 * scale real ms); the import completes at
   * an instant drawn uniformly from the first COMPLETION_SPREAD_INTERVALS intervals.
   */
  public async simulateWait(trials: number, scale: number): Promise<WaitSimulation> {
    const intervalSeconds = POLL_INTERVAL.toSeconds();
    const intervalRealMs = intervalSeconds * 1000 * scale;
    const random = seededRandom(SEED);
    const sim: Mutable<WaitSimulation> = {
      pollIntervalSeconds: intervalSeconds,
      simScale: scale,
      trials,
      waitSeconds: [],
      detectingPollMs: [],
      pollMs: [],
      timerLateSeconds: [],
      callsPerPoll: {},
      callsPerFinalPoll: {},
      polls: 0,
    };
    let runningPolls = 0;
    let finalPolls = 0;
    const runningCalls: CallCounts = {};
    const finalCalls: CallCounts = {};

    for (let trial = 0; trial < trials; trial++) {
      const props = this.newImportProps({ wait: true, removal: 'retain' });
      const created = await this.handler(cfnEvent('Create', props));
      const importId: string = created.PhysicalResourceId;
      const started = performance.now();
      const completeAfterMs = random() * COMPLETION_SPREAD_INTERVALS * intervalRealMs;
      let completedAt: number | undefined;
      const completion = setTimeout(() => {
        this.standIn.completeImport(importId);
        completedAt = performance.now();
      }, completeAfterMs);

      try {
        for (let poll = 0; ; poll++) {
          if (poll > 0) {
            const before = performance.now();
            await sleep(intervalRealMs);
            sim.timerLateSeconds.push((performance.now() - before - intervalRealMs) / 1000 / scale);
          }
          const pollStart = performance.now();
          const { result, calls } = await this.counted(() => this.handler(cfnEvent('Create', props, created)));
          const pollMs = performance.now() - pollStart;
          sim.pollMs.push(pollMs);
          sim.polls++;
          if (result.IsComplete) {
            if (completedAt === undefined) {
              throw new Error(`trial ${trial}, poll ${poll}: isComplete reported success before the import completed: ${JSON.stringify(result)}`);
            }
            // A completion during the poll (before its DescribeImportTasks) is seen by that poll: no wait.
            sim.waitSeconds.push(Math.max(0, pollStart - completedAt) / 1000 / scale);
            sim.detectingPollMs.push(pollMs);
            addCounts(finalCalls, calls);
            finalPolls++;
            break;
          }
          addCounts(runningCalls, calls);
          runningPolls++;
          if (performance.now() - started > (COMPLETION_SPREAD_INTERVALS + 5) * intervalRealMs * 4) {
            throw new Error(`trial ${trial}: import ${importId} never reported complete`);
          }
        }
      } finally {
        clearTimeout(completion);
      }
    }
    return {
      ...sim,
      callsPerPoll: perRequest(runningCalls, runningPolls),
      callsPerFinalPoll: perRequest(finalCalls, finalPolls),
    };
  }

  /** Runs one handler request and returns the stand-in calls it made, by operation. */
  private async counted(request: () => Promise<any>): Promise<{ result: any; calls: CallCounts }> {
    const before = this.standIn.calls.length;
    const result = await request();
    const calls: CallCounts = {};
    for (const call of this.standIn.calls.slice(before)) calls[call.operation] = (calls[call.operation] ?? 0) + 1;
    return { result, calls };
  }

  /** Resource properties of an import of a new event data store (one store per import: no adoption across scenarios). */
  private newImportProps(options: { wait: boolean; removal: 'retain' | 'destroy' }): Record<string, string> {
    const arn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/bench-${String(++this.stores).padStart(6, '0')}`;
    this.standIn.addEventDataStore({ arn, retentionDays: 366 });
    const now = Date.now();
    return {
      ImportSourceArn: arn,
      ImportRoleArn: ROLE_ARN,
      StartEventTime: String(now - 30 * DAY_MS),
      EndEventTime: String(now - DAY_MS),
      WaitForCompletion: String(options.wait),
      TimeoutSeconds: '600',
      RemovalPolicy: options.removal,
    };
  }
}

/**
 * A CloudFormation custom resource event as the provider framework passes it to the user handler.
 * With `previous` (what onEvent returned), it is an isComplete request.
 */
function cfnEvent(type: 'Create' | 'Delete', props: Record<string, string>, previous?: { PhysicalResourceId?: string; Data?: any }): any {
  return {
    RequestType: type,
    LogicalResourceId: 'BenchImport',
    RequestId: randomUUID(),
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Bench/${randomUUID()}`,
    ResourceType: 'Custom::EventDataStoreImport',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:bench', ...props },
    ...(previous ? { PhysicalResourceId: previous.PhysicalResourceId, ...(previous.Data ? { Data: previous.Data } : {}) } : {}),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function addCounts(total: CallCounts, calls: CallCounts): void {
  for (const [op, n] of Object.entries(calls)) total[op] = (total[op] ?? 0) + n;
}

function perRequest(total: CallCounts, requests: number): CallCounts {
  return Object.fromEntries(Object.entries(total).map(([op, n]) => [op, requests ? n / requests : 0]));
}

if (require.main === module) {
  void main();
}
