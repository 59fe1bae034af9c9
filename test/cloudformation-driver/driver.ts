/**
 * Plays CloudFormation for a single-function custom resource (the handler is the ServiceToken):
 * sends Create/Update/Delete events in CloudFormation's format to an in-process handler (as
 * Lambda's asynchronous invoke would: CloudFormation does not read the return value), captures
 * the responses the handler PUTs to the event's ResponseURL (a loopback server), waits for one
 * with a compressed service timeout, and keeps the CloudFormation stand-in's stack status and
 * physical IDs current, as CloudFormation would. The sequences CloudFormation runs on retries,
 * replacements and rollbacks are in sequences.ts.
 */
import { randomUUID } from 'node:crypto';
import type { CloudFormationStandIn } from '../stand-in/cloudformation-stand-in';
import { LoopbackServer } from '../stand-in/loopback-server';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** A custom resource request, exactly as CloudFormation sends it. */
export interface CloudFormationEvent {
  readonly RequestType: RequestType;
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

/** A response body the handler PUT. */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId?: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, unknown>;
}

/** A custom resource handler (the bundled asset's `handler`). */
export type CustomResourceHandler = (event: CloudFormationEvent) => Promise<unknown>;

/** What CloudFormation saw of one request. */
export interface Outcome {
  readonly event: CloudFormationEvent;
  /** The first response PUT for the request within the service timeout; undefined = timed out. */
  readonly response?: CloudFormationResponse;
  /** SUCCESS, FAILED, or TIMED_OUT (CloudFormation then fails the resource). */
  readonly status: 'SUCCESS' | 'FAILED' | 'TIMED_OUT';
}

export interface DriverOptions {
  readonly handler: CustomResourceHandler;
  readonly cloudFormation: CloudFormationStandIn;
  /** Default `TestStack`. */
  readonly stackName?: string;
  /** Default `Custom::EventDataStoreImport`. */
  readonly resourceType?: string;
  /** Default `arn:aws:lambda:us-east-1:111122223333:function:Orchestrator`. */
  readonly serviceToken?: string;
  /** The resource's ServiceTimeout, compressed (real: up to an hour). Default 5000 ms. */
  readonly serviceTimeoutMs?: number;
}

/** CloudFormation's response body limit. */
const MAX_RESPONSE_BYTES = 4096;

export class CloudFormationDriver {
  public static async start(options: DriverOptions): Promise<CloudFormationDriver> {
    const driver = new CloudFormationDriver(options);
    driver.server = await LoopbackServer.listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        driver.receive(req.method ?? '', req.url ?? '', Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end(); // S3 answers a presigned PUT with 200 and no body
      });
    });
    driver.stackId = options.cloudFormation.setStack(driver.stackName, [], { stackStatus: 'CREATE_IN_PROGRESS' });
    return driver;
  }

  public readonly stackName: string;
  public stackId = '';
  public readonly serviceToken: string;
  public readonly resourceType: string;
  public serviceTimeoutMs: number;
  /** Every event sent, in order. */
  public readonly events: CloudFormationEvent[] = [];
  /** Every response PUT (also late and repeated ones), in order of arrival. */
  public readonly responses: CloudFormationResponse[] = [];
  /** Malformed responses (missing fields, not JSON, too large, for an unknown request). Tests assert it empty. */
  public readonly responseViolations: string[] = [];
  /** What each handler invocation threw (Lambda would retry an async invoke twice; the driver does not). */
  public readonly handlerErrors: Array<{ event: CloudFormationEvent; error: unknown }> = [];
  /** Properties CloudFormation last applied per logical ID (what a later Update has as OldResourceProperties). */
  public readonly properties = new Map<string, Record<string, unknown>>();

  private server!: LoopbackServer;
  private readonly handler: CustomResourceHandler;
  private readonly cloudFormation: CloudFormationStandIn;
  private readonly invocations: Array<Promise<void>> = [];
  private readonly waiters = new Map<string, Array<(r: CloudFormationResponse) => void>>();

  private constructor(options: DriverOptions) {
    this.handler = options.handler;
    this.cloudFormation = options.cloudFormation;
    this.stackName = options.stackName ?? 'TestStack';
    this.resourceType = options.resourceType ?? 'Custom::EventDataStoreImport';
    this.serviceToken = options.serviceToken ?? 'arn:aws:lambda:us-east-1:111122223333:function:Orchestrator';
    this.serviceTimeoutMs = options.serviceTimeoutMs ?? 5000;
  }

  // ---- events ----

  /** An event in CloudFormation's format (new RequestId unless given; scalar properties become strings). */
  public event(requestType: RequestType, logicalId: string, properties: Record<string, unknown>, extra: {
    physicalResourceId?: string; oldProperties?: Record<string, unknown>; requestId?: string;
  } = {}): CloudFormationEvent {
    const requestId = extra.requestId ?? randomUUID();
    const key = encodeURIComponent(`${this.stackId}|${logicalId}|${requestId}`);
    return {
      RequestType: requestType,
      ServiceToken: this.serviceToken,
      ResponseURL: `${this.server.url}/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=standin`,
      StackId: this.stackId,
      RequestId: requestId,
      LogicalResourceId: logicalId,
      ResourceType: this.resourceType,
      ResourceProperties: { ServiceToken: this.serviceToken, ...stringify(properties) },
      ...(extra.oldProperties ? { OldResourceProperties: { ServiceToken: this.serviceToken, ...stringify(extra.oldProperties) } } : {}),
      ...(extra.physicalResourceId !== undefined ? { PhysicalResourceId: extra.physicalResourceId } : {}),
    };
  }

  /** Invokes the handler with the event without waiting (Lambda's asynchronous invoke). */
  public invoke(event: CloudFormationEvent): void {
    this.events.push(event);
    this.invocations.push(Promise.resolve()
      .then(() => this.handler(event))
      .then(() => undefined, (error) => {
        this.handlerErrors.push({ event, error });
      }));
  }

  /** Invokes the handler and waits for its response like CloudFormation; records the outcome on the stack. */
  public async request(event: CloudFormationEvent): Promise<Outcome> {
    this.invoke(event);
    return this.await(event);
  }

  /** Waits for the first response to `event` (possibly one PUT already), up to the service timeout. */
  public async await(event: CloudFormationEvent, timeoutMs = this.serviceTimeoutMs): Promise<Outcome> {
    const already = this.responses.find((r) => r.RequestId === event.RequestId);
    const response = already ?? await new Promise<CloudFormationResponse | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const list = this.waiters.get(event.RequestId) ?? [];
      list.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.waiters.set(event.RequestId, list);
    });
    const outcome: Outcome = { event, response, status: response ? response.Status : 'TIMED_OUT' };
    this.record(outcome);
    return outcome;
  }

  /** Resolves when every handler invocation so far has returned (its later work, e.g. a state machine, aside). */
  public async settled(): Promise<void> {
    for (let n = 0; n < this.invocations.length; n = this.invocations.length) await Promise.all(this.invocations);
  }

  // ---- the stack, as CloudFormation keeps it ----

  public setStackStatus(status: string): void {
    this.cloudFormation.setStackStatus(this.stackId, status);
  }

  public stackStatus(): string {
    return this.cloudFormation.stackStatus(this.stackId);
  }

  /** The physical ID CloudFormation has for the logical ID (what DescribeStackResource answers). */
  public physicalId(logicalId: string): string | undefined {
    return this.cloudFormation.resource(this.stackId, logicalId)?.physicalResourceId;
  }

  /** Sets what CloudFormation records for a resource (e.g. it keeps the old one on rollback). */
  public setResource(logicalId: string, physicalResourceId: string | undefined, resourceStatus: string, properties?: Record<string, unknown>): void {
    this.cloudFormation.setResource(this.stackId, logicalId, { physicalResourceId, resourceStatus, resourceType: this.resourceType });
    if (properties) this.properties.set(logicalId, properties);
  }

  /** Responses PUT for one request (a re-delivered one may get several). */
  public responsesTo(requestId: string): CloudFormationResponse[] {
    return this.responses.filter((r) => r.RequestId === requestId);
  }

  public async close(): Promise<void> {
    await this.server.close();
  }

  private record({ event, response, status }: Outcome): void {
    const verb = { Create: 'CREATE', Update: 'UPDATE', Delete: 'DELETE' }[event.RequestType];
    const done = status === 'SUCCESS' ? `${verb}_COMPLETE` : `${verb}_FAILED`;
    if (event.RequestType === 'Delete') return this.setResource(event.LogicalResourceId, event.PhysicalResourceId, done);
    // A FAILED response's physical ID is recorded too: the rollback's Delete carries it.
    const physicalId = response?.PhysicalResourceId ?? event.PhysicalResourceId;
    const applied = status === 'SUCCESS' ? event.ResourceProperties : undefined;
    this.setResource(event.LogicalResourceId, physicalId, done, applied);
  }

  private receive(method: string, url: string, body: string): void {
    let response: CloudFormationResponse;
    try {
      response = JSON.parse(body);
    } catch {
      this.responseViolations.push(`${method} ${url}: body is not JSON: ${body.slice(0, 200)}`);
      return;
    }
    const event = this.events.find((e) => new URL(e.ResponseURL).pathname === new URL(url, 'http://x').pathname);
    this.responseViolations.push(...problems(method, response, Buffer.byteLength(body), event));
    this.responses.push(response);
    const waiting = this.waiters.get(response.RequestId) ?? [];
    this.waiters.delete(response.RequestId);
    waiting.forEach((w) => w(response));
  }
}

/** What CloudFormation would reject in a response. */
function problems(method: string, r: CloudFormationResponse, bytes: number, event?: CloudFormationEvent): string[] {
  const found: string[] = [];
  const at = `${r.LogicalResourceId ?? '?'} ${r.RequestId ?? '?'}`;
  if (method !== 'PUT') found.push(`${at}: sent with ${method}, not PUT`);
  if (!event) return [...found, `${at}: no request has this ResponseURL`];
  if (r.Status !== 'SUCCESS' && r.Status !== 'FAILED') found.push(`${at}: Status ${String(r.Status)}`);
  if (!r.PhysicalResourceId) found.push(`${at}: PhysicalResourceId is missing`);
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (r[key] !== event[key]) found.push(`${at}: ${key} ${String(r[key])} is not the request's ${event[key]}`);
  }
  if (event.RequestType === 'Delete' && r.Status === 'SUCCESS' && r.PhysicalResourceId && r.PhysicalResourceId !== event.PhysicalResourceId) {
    found.push(`${at}: a Delete changed the physical ID from ${event.PhysicalResourceId} to ${r.PhysicalResourceId}`);
  }
  if (bytes > MAX_RESPONSE_BYTES) found.push(`${at}: response is ${bytes} bytes (limit ${MAX_RESPONSE_BYTES})`);
  return found;
}

/** CloudFormation hands custom resources every scalar property as a string. */
export function stringify(value: any): any {
  if (Array.isArray(value)) return value.map(stringify);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringify(v)]));
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** A physical ID as CloudFormation invents one when it has none (`<stack>-<logicalId>-<random>`). */
export function inventedPhysicalId(stackName: string, logicalId: string): string {
  const random = randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase();
  return `${stackName}-${logicalId}-${random}`;
}
