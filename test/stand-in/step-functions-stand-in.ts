/**
 * A loopback stand-in for AWS Step Functions (Standard workflows), for tests: the real SDK client
 * talks awsJson1_0 (`X-Amz-Target: AWSStepFunctions.<Op>`) to it. StartExecution really runs the
 * state machine's Amazon States Language definition with aws-local-stepfunctions; Task states run
 * local functions (`taskHandlers`), Wait states and Retry intervals are compressed. Like Step
 * Functions, and unlike aws-local-stepfunctions, an execution fails (States.Runtime, outside every
 * Catch) once its history passes 25,000 events, counted as Step Functions writes them. Implements
 * StartExecution, StopExecution, DescribeExecution and ListExecutions; every body is checked
 * against the SDK's service model (`shapeViolations`). SigV4 signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { LoopbackServer } from './loopback-server';
import { ServiceModel } from './service-shapes';

const MODEL = ServiceModel.of('@aws-sdk/client-sfn');
const TARGET_PREFIX = 'AWSStepFunctions.';
/** A Standard execution's history holds this many events; past it, the execution fails. */
export const MAX_HISTORY_EVENTS = 25_000;
/** setTimeout's limit: aws-local-stepfunctions arms a timer for TimeoutSeconds, which must fit. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What a Task state's local function is told besides its effective input. */
export interface TaskContext {
  readonly stateName: string;
  readonly resource: string;
  readonly parameters?: unknown;
  readonly executionArn: string;
  readonly stateMachineArn: string;
}

/** A Task state's local function: gets the effective input (after InputPath and Parameters). */
export type TaskFunction = (input: any, context: TaskContext) => unknown;

/** Chooses the local function of a Task state from its Resource and Parameters; undefined = none. */
export type TaskHandlers = (task: { resource: string; parameters?: unknown; stateName: string }) => TaskFunction | undefined;

export interface StepFunctionsStandInOptions {
  readonly region?: string;
  readonly account?: string;
  /** Local functions for Task states. A Task without one fails with `StandIn.NoTaskHandler`. */
  readonly taskHandlers?: TaskHandlers;
  /** Real time per second of a Wait's `Seconds` and of a Retry's `IntervalSeconds`. Default 0.0001. */
  readonly timeScale?: number;
  /** Longest compressed Wait or Retry interval, ms (an hour's Wait stays short). Default 50. */
  readonly maxWaitMs?: number;
  /** Wait states whose duration comes from the input (SecondsPath, Timestamp...): ms. Default 5. */
  readonly dynamicWaitMs?: number;
  /** History events an execution may write before it fails with States.Runtime. Default MAX_HISTORY_EVENTS. */
  readonly maxHistoryEvents?: number;
}

/** One execution, live: its status changes as it runs. */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  /** The input as sent (a JSON string). */
  readonly input: string;
  status: ExecutionStatus;
  readonly startDate: Date;
  stopDate?: Date;
  /** JSON string, when SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
  /** aws-local-stepfunctions' event log (ExecutionStarted, StateEntered, StateRetried...), in order. */
  readonly events: Array<{ type: string; [key: string]: unknown }>;
  /** Events of the execution's history as Step Functions would count them (see `historyEventsOf`). */
  historyEvents: number;
  /** Settles (never rejects) when the execution has closed. */
  readonly done: Promise<void>;
}

/** One request received. */
export interface StepFunctionsCall {
  readonly operation: string;
  readonly request: any;
  error?: string;
}

interface MachineEntry {
  readonly arn: string;
  readonly name: string;
  readonly definition: any;
  readonly machine: StateMachine;
}

class ServiceError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class StepFunctionsStandIn {
  public static async start(options: StepFunctionsStandInOptions = {}): Promise<StepFunctionsStandIn> {
    const standIn = new StepFunctionsStandIn(options);
    standIn.server = await LoopbackServer.listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => standIn.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    return standIn;
  }

  public readonly executions: ExecutionRecord[] = [];
  public readonly calls: StepFunctionsCall[] = [];
  /** Requests or responses outside the SDK's service model, as `<operation>: <violation>`. */
  public readonly shapeViolations: string[] = [];
  private readonly refusals: Array<{ operation: string; code: string; remaining: number }> = [];
  /** Task states run locally; may be replaced at any time (applies to executions started later). */
  public taskHandlers: TaskHandlers;

  private server!: LoopbackServer;
  private readonly machines = new Map<string, MachineEntry>();
  private readonly aborts = new Map<string, () => void>();
  private readonly region: string;
  private readonly account: string;
  private readonly timeScale: number;
  private readonly maxWaitMs: number;
  private readonly dynamicWaitMs: number;
  private readonly maxHistoryEvents: number;

  private constructor(options: StepFunctionsStandInOptions) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '111122223333';
    this.taskHandlers = options.taskHandlers ?? (() => undefined);
    this.timeScale = options.timeScale ?? 0.0001;
    this.maxWaitMs = options.maxWaitMs ?? 50;
    this.dynamicWaitMs = options.dynamicWaitMs ?? 5;
    this.maxHistoryEvents = options.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
  }

  /** Base URL for the SDK's `endpoint` (or `AWS_ENDPOINT_URL_SFN`). */
  public get endpoint(): string {
    return this.server.url;
  }

  /** Registers a state machine (definition: ASL object or JSON string); returns its ARN. */
  public addStateMachine(name: string, definition: object | string): string {
    const arn = `arn:aws:states:${this.region}:${this.account}:stateMachine:${name}`;
    // A JSON copy, not structuredClone: the engine only resolves nested `.$` keys in objects of its own realm (jest's sandbox).
    const parsed = JSON.parse(typeof definition === 'string' ? definition : JSON.stringify(definition));
    clampTimeouts(parsed);
    const machine = new StateMachine(parsed, { validationOptions: { checkArn: false } });
    this.machines.set(arn, { arn, name, definition: parsed, machine });
    return arn;
  }

  /** StartExecution's rules, also for tests that start one directly. */
  public startExecution(stateMachineArn: string, input = '{}', name: string = randomUUID()): ExecutionRecord {
    const entry = this.machines.get(stateMachineArn);
    if (!entry) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const executionArn = `arn:aws:states:${this.region}:${this.account}:execution:${entry.name}:${name}`;
    const existing = this.executions.find((e) => e.executionArn === executionArn);
    if (existing) {
      // Idempotent only for a running execution with the same input; names are unique for 90 days.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    return this.run(entry, executionArn, name, input, parsedInput);
  }

  /** The execution with this ARN or name (fails the test if there is none). */
  public execution(arnOrName: string): ExecutionRecord {
    const found = this.executions.find((e) => e.executionArn === arnOrName || e.name === arnOrName);
    if (!found) throw new Error(`step-functions stand-in: no execution ${arnOrName}`);
    return found;
  }

  /** Executions currently RUNNING. */
  public running(): ExecutionRecord[] {
    return this.executions.filter((e) => e.status === 'RUNNING');
  }

  /** Resolves when no execution is running (also those started meanwhile); rejects after `timeoutMs`. */
  public async waitForIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let running = this.running(); running.length > 0; running = this.running()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`step-functions stand-in: still running after ${timeoutMs} ms: ${running.map((e) => e.name).join(', ')}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running.map((e) => e.done)),
        new Promise((resolve) => { timer = setTimeout(resolve, left); }),
      ]);
      clearTimeout(timer);
    }
  }

  /** Aborts every running execution and closes the server. */
  public async stop(): Promise<void> {
    this.aborts.forEach((abort) => abort());
    await Promise.all(this.executions.map((e) => e.done));
    await this.server.close();
  }

  private run(entry: MachineEntry, executionArn: string, name: string, input: string, parsedInput: unknown): ExecutionRecord {
    const startDate = new Date();
    const events: ExecutionRecord['events'] = [];
    const { abort, result, eventLogs } = entry.machine.run(parsedInput as any, {
      overrides: this.overridesFor(entry, executionArn),
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${this.account}:role/StateMachineRole` },
        StateMachine: { Id: entry.arn, Name: entry.name },
      },
    });
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: entry.arn,
      name,
      input,
      status: 'RUNNING',
      startDate,
      events,
      historyEvents: 0,
      done: result.then(
        (output) => this.close(record, 'SUCCEEDED', { output: JSON.stringify(output ?? null) }),
        (e) => this.close(record, ...failure(e)),
      ).then(() => logged),
    };
    let overQuota = false;
    const logged = (async () => {
      for await (const event of eventLogs) {
        events.push(event as any);
        if (overQuota) continue; // the engine's own aftermath of the abort is no history
        record.historyEvents += historyEventsOf(event as any);
        if (record.historyEvents > this.maxHistoryEvents && record.status === 'RUNNING') {
          overQuota = true;
          // What Step Functions does past the quota: the execution fails, no Catch applies.
          this.close(record, 'FAILED', {
            error: 'States.Runtime',
            cause: `The execution reached the maximum number of history events (${this.maxHistoryEvents}).`,
          });
          abort();
        }
      }
    })();
    this.aborts.set(executionArn, abort);
    this.executions.push(record);
    return record;
  }

  private close(record: ExecutionRecord, status: ExecutionStatus, details: Partial<ExecutionRecord> = {}): void {
    this.aborts.delete(record.executionArn);
    if (record.status !== 'RUNNING') return;
    Object.assign(record, { status, stopDate: new Date(), ...details });
  }

  /** Local Task functions and compressed Waits and Retries, for every state, nested ones too. */
  private overridesFor(entry: MachineEntry, executionArn: string) {
    const taskResourceLocalHandlers: Record<string, (input: any) => Promise<any>> = {};
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number[]> = {};
    for (const [stateName, state] of allStates(entry.definition)) {
      if (state.Type === 'Task') {
        const task = { resource: state.Resource, parameters: state.Parameters, stateName };
        const fn = this.taskHandlers(task);
        const context: TaskContext = { ...task, executionArn, stateMachineArn: entry.arn };
        taskResourceLocalHandlers[stateName] = async (input) => {
          if (!fn) throw namedError('StandIn.NoTaskHandler', `no local function for ${stateName} (${state.Resource})`);
          return fn(input, context);
        };
      }
      if (state.Type === 'Wait') {
        waitTimeOverrides[stateName] = typeof state.Seconds === 'number' ? this.compress(state.Seconds) : this.dynamicWaitMs;
      }
      if (Array.isArray(state.Retry)) {
        retryIntervalOverrides[stateName] = state.Retry.map((r: any) => this.compress(r.IntervalSeconds ?? 1));
      }
    }
    return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides };
  }

  private compress(durationSeconds: number): number {
    return Math.min(durationSeconds * 1000 * this.timeScale, this.maxWaitMs);
  }

  // ---- HTTP ----

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const call: StepFunctionsCall = { operation, request: undefined };
    this.calls.push(call);
    let status = 200;
    let out: any;
    try {
      call.request = JSON.parse(body || '{}');
      this.violations(operation, MODEL.checkRequest(operation, call.request));
      out = this.dispatch(operation, call.request);
      this.violations(operation, MODEL.checkResponse(operation, out));
    } catch (e) {
      const err = e instanceof ServiceError ? e : new ServiceError('InvalidParameter', String(e));
      status = 400;
      call.error = err.code;
      out = { __type: err.code, message: err.message };
      this.violations(operation, MODEL.checkError(err.code, out));
    }
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() };
    if (call.error) headers['x-amzn-errortype'] = call.error;
    res.writeHead(status, headers);
    res.end(JSON.stringify(out));
  }

  /** The next `n` calls of `operation` are refused with `code` (e.g. IAM still propagating). */
  public refuseNext(n: number, operation: string, code = 'AccessDeniedException'): void {
    this.refusals.push({ operation, code, remaining: n });
  }

  private dispatch(operation: string, request: any): unknown {
    const refusal = this.refusals.find((r) => r.operation === operation && r.remaining > 0);
    if (refusal) {
      refusal.remaining--;
      const message = refusal.code === 'AccessDeniedException' ? `User is not authorized to perform: states:${operation}` : `${operation} refused`;
      throw new ServiceError(refusal.code, `${message} (stand-in fault)`);
    }
    switch (operation) {
      case 'StartExecution': {
        const e = this.startExecution(request.stateMachineArn, request.input ?? '{}', request.name);
        return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
      }
      case 'StopExecution': {
        const e = this.find(request.executionArn);
        if (e.status === 'RUNNING') {
          const abort = this.aborts.get(e.executionArn);
          this.close(e, 'ABORTED', { error: request.error, cause: request.cause });
          abort?.();
        }
        return { stopDate: seconds(e.stopDate!) };
      }
      case 'DescribeExecution': return describe(this.find(request.executionArn));
      case 'ListExecutions': return this.list(request);
      default: throw new ServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  private list(request: any): unknown {
    if (!this.machines.has(request.stateMachineArn)) {
      throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    const matching = this.executions
      .filter((e) => e.stateMachineArn === request.stateMachineArn && (!request.statusFilter || e.status === request.statusFilter))
      .reverse(); // newest first
    const start = request.nextToken ? Number(Buffer.from(request.nextToken, 'base64').toString('utf8')) : 0;
    const size = request.maxResults || 100;
    const page = matching.slice(start, start + size);
    return {
      executions: page.map((e) => {
        const { executionArn, stateMachineArn, name, status, startDate, stopDate } = describe(e);
        return { executionArn, stateMachineArn, name, status, startDate, stopDate };
      }),
      nextToken: start + size < matching.length ? Buffer.from(String(start + size)).toString('base64') : undefined,
    };
  }

  private find(executionArn: unknown): ExecutionRecord {
    const found = this.executions.find((e) => e.executionArn === executionArn);
    if (!found) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(executionArn)}'`);
    return found;
  }

  private violations(operation: string, found: string[]): void {
    this.shapeViolations.push(...found.map((v) => `${operation}: ${v}`));
  }
}

/** Every state of a definition by name, also inside Parallel branches and Map item processors. */
export function allStates(definition: any): Array<[string, any]> {
  return Object.entries<any>(definition?.States ?? {}).flatMap(([name, state]) => [
    [name, state] as [string, any],
    ...(state.Branches ?? []).flatMap(allStates),
    ...allStates(state.ItemProcessor ?? state.Iterator),
  ]);
}

/**
 * The events Step Functions writes to an execution's history for one of aws-local-stepfunctions'
 * events: a Task is entered, scheduled and started, then succeeds (or fails) and is exited; a
 * retry schedules and starts it again; any other state is entered and exited.
 */
export function historyEventsOf(event: { type: string; state?: { type?: string } }): number {
  const task = event.state?.type === 'Task';
  switch (event.type) {
    case 'StateEntered': return task ? 3 : 1;
    case 'StateExited': return task ? 2 : 1;
    case 'StateFailed': return task ? 1 : 0;
    case 'StateRetried': return 2;
    default: return 1;
  }
}

/** An Error whose `name` is what the state machine sees as the error (ErrorEquals, $.Error). */
export function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function failure(e: unknown): [ExecutionStatus, Partial<ExecutionRecord>] {
  if (e instanceof ExecutionAbortedError) return ['ABORTED', {}];
  if (e instanceof ExecutionTimeoutError) return ['TIMED_OUT', { error: 'States.Timeout' }];
  const caught = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : e;
  return caught instanceof Error ? ['FAILED', { error: caught.name, cause: caught.message }] : ['FAILED', { error: 'Error', cause: String(caught) }];
}

function describe(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: e.stopDate ? seconds(e.stopDate) : undefined,
    input: e.input,
    inputDetails: { included: true },
    output: e.output,
    outputDetails: e.output !== undefined ? { included: true } : undefined,
    error: e.error,
    cause: e.cause,
  };
}

/** awsJson timestamps: epoch seconds. */
function seconds(d: Date): number {
  return d.getTime() / 1000;
}

/** Drops TimeoutSeconds the engine's timers cannot hold (e.g. a year): they would fire at once. */
function clampTimeouts(definition: any): void {
  if (definition?.TimeoutSeconds > MAX_TIMER_SECONDS) delete definition.TimeoutSeconds;
  for (const [, state] of allStates(definition)) {
    if (state.TimeoutSeconds > MAX_TIMER_SECONDS) delete state.TimeoutSeconds;
  }
}
