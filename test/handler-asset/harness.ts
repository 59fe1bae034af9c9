/**
 * Test harness for the BUNDLED deploy-time handler: loads
 * assets/event-data-store-import/import-handler.lambda/index.js (what ships, with the real
 * CloudWatch Logs client inside it) against the loopback stand-in, and plays the CDK provider
 * framework (onEvent, then isComplete until done) the way aws-cdk-lib's framework.js does.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportEvent, IsCompleteResult, OnEventResult } from '../../src/event-data-store-import/handler/import-lifecycle';
import type { ImportResourceProperties } from '../../src/event-data-store-import/handler/properties';
import { CallRecord, CloudWatchLogsStandIn, ImportRecord, StandInOptions } from '../stand-in/cloudwatch-logs-stand-in';

export const ASSET = path.join(__dirname, '..', '..', 'assets', 'event-data-store-import', 'import-handler.lambda', 'index.js');
export const ACCOUNT = '111122223333';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/import`;
export const DAY_MS = 86_400_000;

/** The provider framework's physical ID for a Create that failed (aws-cdk-lib cfn-response). */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

export type Handler = (event: ImportEvent) => Promise<OnEventResult | IsCompleteResult>;

/** ARN of a test event data store. */
export function storeArn(id = 'store-1'): string {
  return `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/${id}`;
}

/** Environment the bundle reads when it builds its SDK clients (at module load). */
const ENV_KEYS = [
  'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_PROFILE', 'IMPORT_HANDLER_TIME_SCALE', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
] as const;

/** One test's world: a stand-in, a freshly loaded bundle pointed at it, and what it logged. */
export class World {
  /**
   * Starts a stand-in, then loads the bundle with the endpoint in its environment.
   * `timeScale` is IMPORT_HANDLER_TIME_SCALE (default 0.001: the retry budget is 240 ms). It scales
   * the handler's own waits only, not the SDK's retry delays (50 ms base, 1 s when throttled): a
   * test whose faults the SDK retries first needs a larger scale for the budget to outlast them.
   */
  public static async start(options: StandInOptions = {}, timeScale = 0.001): Promise<World> {
    if (!fs.existsSync(ASSET)) {
      throw new Error(`The handler bundle ${ASSET} is missing: run \`npx projen bundle\` first (the CI test task bundles before jest).`);
    }
    const standIn = await CloudWatchLogsStandIn.start(options);
    const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: standIn.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
      IMPORT_HANDLER_TIME_SCALE: String(timeScale),
      // The function runs on Node.js 22; tests may run on 20, where the SDK warns once per load.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    const logs: string[] = [];
    const logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logs.push(args.map(String).join(' '));
    });
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      // A fresh copy per test: the bundle builds its SDK clients from the environment at load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require(ASSET).handler;
    });
    if (typeof handler !== 'function') throw new Error(`${ASSET} does not export a handler function`);
    return new World(standIn, handler, logs, () => {
      logSpy.mockRestore();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
  }

  /** Most IN_PROGRESS imports seen at once (checked before every request and at the end). */
  public maxActive = 0;
  private readonly listeners: Array<(call: CallRecord) => void> = [];

  private constructor(
    public readonly standIn: CloudWatchLogsStandIn,
    public readonly handler: Handler,
    /** Everything the handler logged (console.log), for messages and debugging. */
    public readonly logs: string[],
    private readonly restore: () => void,
  ) {
    // The stand-in records each request before processing it: hook the record to watch (and to
    // race) requests. Imports only change while a request is processed, or through the test.
    const calls = standIn.calls;
    const push = calls.push.bind(calls);
    calls.push = (...items: CallRecord[]) => {
      this.sampleActive();
      items.forEach((call) => this.listeners.forEach((l) => l(call)));
      return push(...items);
    };
  }

  /** Calls `listener` with every request, just before the stand-in processes it. */
  public onCall(listener: (call: CallRecord) => void): void {
    this.listeners.push(listener);
  }

  public sampleActive(): number {
    const active = this.standIn.imports.filter((i) => i.importStatus === 'IN_PROGRESS').length;
    this.maxActive = Math.max(this.maxActive, active);
    return active;
  }

  public async stop(): Promise<void> {
    this.restore();
    await this.standIn.stop();
  }

  /** The import the stand-in knows by this ID (fails the test if there is none). */
  public importById(id: string | undefined): ImportRecord {
    const found = this.standIn.imports.find((i) => i.importId === id);
    if (!found) throw new Error(`the stand-in has no import ${id}`);
    return found;
  }

  /** Operations requested so far, in order. */
  public operations(): string[] {
    return this.standIn.calls.map((c) => c.operation);
  }

  // ---- the provider framework ----

  /** onEvent, then isComplete until it says so or fails; see `DeployOptions`. */
  public async deploy(event: ImportEvent, options: DeployOptions = {}): Promise<DeployOutcome> {
    return deploy(this.handler, event, options);
  }
}

export interface DeployOptions {
  /** Called before each isComplete request (0-based poll number), e.g. to tick the stand-in. */
  readonly beforePoll?: (poll: number) => void | Promise<void>;
  /** Changes the isComplete request, e.g. to give it an old RequestedAt. */
  readonly isCompleteRequest?: (request: ImportEvent, poll: number) => ImportEvent;
  /** Give up (and report it as an error) after this many isComplete requests. Default 200. */
  readonly maxPolls?: number;
  /** Real time between polls, ms. Default 0. */
  readonly pollIntervalMs?: number;
}

export interface DeployOutcome {
  /** Final physical ID, as CloudFormation would record it (on failure: the framework's). */
  readonly physicalResourceId?: string;
  /** Final Data: `{...onEventData, ...isCompleteData}`. */
  readonly data?: Record<string, string>;
  /** The failure message CloudFormation would show. */
  readonly error?: string;
  /** Which step failed. */
  readonly failedIn?: 'onEvent' | 'isComplete';
  readonly onEvent?: OnEventResult;
  /** isComplete requests made. */
  readonly polls: number;
}

/**
 * Plays aws-cdk-lib's provider framework (custom-resources/lib/provider-framework/runtime/framework.js):
 * the isComplete request is the event merged with onEvent's result; `IsComplete: false` may not
 * carry Data; a Delete may not change the physical ID; the final response merges Data.
 */
export async function deploy(handler: Handler, event: ImportEvent, options: DeployOptions = {}): Promise<DeployOutcome> {
  let onEvent: OnEventResult;
  try {
    onEvent = await handler(event) as OnEventResult;
  } catch (e) {
    return { error: messageOf(e), failedIn: 'onEvent', physicalResourceId: failedPhysicalId(event), polls: 0 };
  }
  const physicalResourceId = onEvent.PhysicalResourceId || (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId);
  if (event.RequestType === 'Delete' && physicalResourceId !== event.PhysicalResourceId) {
    return { error: `DELETE: cannot change the physical resource ID from "${event.PhysicalResourceId}"`, failedIn: 'onEvent', onEvent, polls: 0 };
  }
  const resourceEvent: ImportEvent = { ...event, ...onEvent, PhysicalResourceId: physicalResourceId };

  const maxPolls = options.maxPolls ?? 200;
  for (let poll = 0; poll < maxPolls; poll++) {
    await options.beforePoll?.(poll);
    if (poll > 0 && options.pollIntervalMs) await sleep(options.pollIntervalMs);
    const request = options.isCompleteRequest ? options.isCompleteRequest(resourceEvent, poll) : resourceEvent;
    let result: IsCompleteResult;
    try {
      result = await handler(request) as IsCompleteResult;
    } catch (e) {
      return { error: messageOf(e), failedIn: 'isComplete', physicalResourceId: resourceEvent.PhysicalResourceId, onEvent, polls: poll + 1 };
    }
    if (!result.IsComplete) {
      if (result.Data && Object.keys(result.Data).length > 0) {
        return { error: '"Data" is not allowed if "IsComplete" is "False"', failedIn: 'isComplete', onEvent, polls: poll + 1 };
      }
      continue;
    }
    return {
      physicalResourceId: result.PhysicalResourceId ?? resourceEvent.PhysicalResourceId,
      data: { ...resourceEvent.Data, ...result.Data },
      onEvent,
      polls: poll + 1,
    };
  }
  return { error: `driver: isComplete still false after ${maxPolls} polls`, failedIn: 'isComplete', onEvent, polls: maxPolls };
}

function failedPhysicalId(event: ImportEvent): string | undefined {
  return event.PhysicalResourceId ?? (event.RequestType === 'Create' ? CREATE_FAILED_MARKER : undefined);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- events ----

export type Props = ImportResourceProperties;

/** Properties of a resource importing a fixed window of `store`, fire-and-forget, RETAIN. */
export function props(extra: Partial<Props> = {}, store = storeArn()): Props {
  const now = Date.now();
  return {
    ImportSourceArn: store,
    ImportRoleArn: ROLE_ARN,
    StartEventTime: String(now - 30 * DAY_MS),
    EndEventTime: String(now - DAY_MS),
    WaitForCompletion: 'false',
    TimeoutSeconds: '600',
    RemovalPolicy: 'retain',
    ...extra,
  };
}

const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Test/${randomUUID()}`;

export function createEvent(resourceProperties: Props, logicalId = 'History'): ImportEvent {
  return { RequestType: 'Create', LogicalResourceId: logicalId, RequestId: randomUUID(), StackId: STACK_ID, ResourceProperties: resourceProperties };
}

export function updateEvent(physicalId: string, resourceProperties: Props, oldResourceProperties: Props, logicalId = 'History'): ImportEvent {
  return {
    RequestType: 'Update',
    LogicalResourceId: logicalId,
    RequestId: randomUUID(),
    StackId: STACK_ID,
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
    OldResourceProperties: oldResourceProperties,
  };
}

export function deleteEvent(physicalId: string, resourceProperties: Props, logicalId = 'History'): ImportEvent {
  return {
    RequestType: 'Delete',
    LogicalResourceId: logicalId,
    RequestId: randomUUID(),
    StackId: STACK_ID,
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
  };
}
