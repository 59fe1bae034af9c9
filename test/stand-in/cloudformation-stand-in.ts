/**
 * A tiny loopback stand-in for CloudFormation, for the status command's `--stack` tests and for the
 * CloudFormation driver of the deploy-time tests (which keeps stack status and physical IDs current,
 * as CloudFormation would). CloudFormation speaks awsQuery: a form-encoded POST (`Action=...`,
 * `StackName`, ...) answered with XML; errors are `<ErrorResponse><Error>...</Error></ErrorResponse>`.
 * Implements ListStackResources, DescribeStacks and DescribeStackResource; `StackName` may be the
 * stack's name or its ID. SigV4 signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { LoopbackServer } from './loopback-server';

/** One resource of a stack, as ListStackResources lists it. */
export interface StackResourceInit {
  readonly logicalResourceId: string;
  readonly resourceType: string;
  /** Absent while CloudFormation has not created the resource. */
  readonly physicalResourceId?: string;
  /** Default `CREATE_COMPLETE`. */
  readonly resourceStatus?: string;
}

export interface CloudFormationStandInOptions {
  /** Resources per ListStackResources page. Default 100. */
  readonly pageSize?: number;
}

/** Stack-level settings of `setStack`. */
export interface StackOptions {
  /** Default `arn:aws:cloudformation:us-east-1:111122223333:stack/<name>/<uuid>`. */
  readonly stackId?: string;
  /** Default `CREATE_COMPLETE`. */
  readonly stackStatus?: string;
}

interface StackRecord {
  stackId: string;
  stackStatus: string;
  resources: StackResourceInit[];
}

/** One request received. */
export interface CloudFormationCall {
  readonly action: string;
  readonly params: Record<string, string>;
}

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export class CloudFormationStandIn {
  /** Starts listening on 127.0.0.1 on a free port. */
  public static async start(options: CloudFormationStandInOptions = {}): Promise<CloudFormationStandIn> {
    const standIn = new CloudFormationStandIn(options.pageSize ?? 100);
    standIn.server = await LoopbackServer.listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => standIn.answer(res, Buffer.concat(chunks).toString('utf8')));
    });
    return standIn;
  }

  /** Every request received, in order. */
  public readonly calls: CloudFormationCall[] = [];
  /** Resources per ListStackResources page; may be changed at any time. */
  public pageSize: number;

  private server!: LoopbackServer;
  private readonly stacks = new Map<string, StackRecord>();

  private constructor(pageSize: number) {
    this.pageSize = pageSize;
  }

  /** Base URL for the SDK's `endpoint` (or `AWS_ENDPOINT_URL_CLOUDFORMATION`). */
  public get endpoint(): string {
    return this.server.url;
  }

  /** Adds (or replaces) a stack and its resources; returns its stack ID. */
  public setStack(name: string, resources: StackResourceInit[], options: StackOptions = {}): string {
    const stackId = options.stackId ?? `arn:aws:cloudformation:us-east-1:111122223333:stack/${name}/${randomUUID()}`;
    this.stacks.set(name, { stackId, stackStatus: options.stackStatus ?? 'CREATE_COMPLETE', resources: resources.map((r) => ({ ...r })) });
    return stackId;
  }

  /** Sets a stack's StackStatus (by name or ID). */
  public setStackStatus(nameOrId: string, stackStatus: string): void {
    this.stack(nameOrId).stackStatus = stackStatus;
  }

  /** Adds or changes one resource of a stack (by name or ID): its physical ID, status or type. */
  public setResource(nameOrId: string, logicalResourceId: string, change: Partial<StackResourceInit>): void {
    const stack = this.stack(nameOrId);
    const i = stack.resources.findIndex((r) => r.logicalResourceId === logicalResourceId);
    const current = i >= 0 ? stack.resources[i] : { logicalResourceId, resourceType: 'AWS::CloudFormation::CustomResource' };
    const next = { ...current, ...change, logicalResourceId };
    if (i >= 0) stack.resources[i] = next;
    else stack.resources.push(next);
  }

  /** A resource as DescribeStackResource would answer, or undefined. */
  public resource(nameOrId: string, logicalResourceId: string): StackResourceInit | undefined {
    return this.stack(nameOrId).resources.find((r) => r.logicalResourceId === logicalResourceId);
  }

  /** The stack's current StackStatus. */
  public stackStatus(nameOrId: string): string {
    return this.stack(nameOrId).stackStatus;
  }

  /** Closes the server and every open connection; safe to call twice. */
  public async stop(): Promise<void> {
    await this.server.close();
  }

  /** Number of ListStackResources calls received. */
  public listCount(): number {
    return this.calls.filter((c) => c.action === 'ListStackResources').length;
  }

  private answer(res: http.ServerResponse, body: string): void {
    const params = Object.fromEntries(new URLSearchParams(body).entries());
    const action = params.Action ?? '';
    this.calls.push({ action, params });
    const name = params.StackName ?? '';
    const stack = this.find(name);
    const actions: Record<string, (s: StackRecord, stackName: string) => string | undefined> = {
      ListStackResources: (s) => this.listStackResources(s, params.NextToken),
      DescribeStacks: (s, stackName) => result('DescribeStacks', [
        '<Stacks><member>',
        `<StackName>${xml(stackName)}</StackName><StackId>${xml(s.stackId)}</StackId>`,
        `<CreationTime>${TIMESTAMP}</CreationTime><StackStatus>${xml(s.stackStatus)}</StackStatus>`,
        '</member></Stacks>',
      ].join('')),
      DescribeStackResource: (s, stackName) => {
        const r = s.resources.find((x) => x.logicalResourceId === params.LogicalResourceId);
        if (!r) return undefined;
        return result('DescribeStackResource', `<StackResourceDetail><StackName>${xml(stackName)}</StackName>`
          + `<StackId>${xml(s.stackId)}</StackId>${resourceXml(r)}</StackResourceDetail>`);
      },
    };
    const handler = actions[action];
    if (!handler) return this.error(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.Version ?? ''}`);
    if (!stack) return this.error(res, 400, 'ValidationError', `Stack with id ${name} does not exist`);
    const answer = handler(stack.record, stack.name);
    if (answer === undefined) {
      return this.error(res, 400, 'ValidationError', `Resource ${params.LogicalResourceId} does not exist for stack ${name}`);
    }
    if (answer.startsWith('!')) return this.error(res, 400, 'ValidationError', answer.slice(1));
    this.send(res, 200, answer);
  }

  private listStackResources(stack: StackRecord, nextToken?: string): string {
    const resources = stack.resources;
    const start = nextToken ? Number(Buffer.from(nextToken, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0 || start > resources.length) return '!Invalid NextToken';
    const page = resources.slice(start, start + this.pageSize);
    const next = start + page.length < resources.length ? Buffer.from(String(start + page.length)).toString('base64') : undefined;
    const members = page.map((r) => `<member>${resourceXml(r)}</member>`).join('');
    return result('ListStackResources', `<StackResourceSummaries>${members}</StackResourceSummaries>${next ? `<NextToken>${next}</NextToken>` : ''}`);
  }

  private find(nameOrId: string): { name: string; record: StackRecord } | undefined {
    for (const [name, record] of this.stacks) {
      if (name === nameOrId || record.stackId === nameOrId) return { name, record };
    }
    return undefined;
  }

  private stack(nameOrId: string): StackRecord {
    const found = this.find(nameOrId);
    if (!found) throw new Error(`cloudformation stand-in: no stack ${nameOrId}`);
    return found.record;
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    this.send(res, status, [
      `<ErrorResponse xmlns="${XMLNS}">`,
      `<Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error>`,
      '<RequestId>00000000-0000-0000-0000-000000000000</RequestId>',
      '</ErrorResponse>',
    ].join(''));
  }

  private send(res: http.ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000000' });
    res.end(body);
  }
}

const TIMESTAMP = '2026-11-25T21:00:00.000Z';

/** The fields a resource summary and a resource detail share. */
function resourceXml(r: StackResourceInit): string {
  return [
    `<LogicalResourceId>${xml(r.logicalResourceId)}</LogicalResourceId>`,
    r.physicalResourceId !== undefined ? `<PhysicalResourceId>${xml(r.physicalResourceId)}</PhysicalResourceId>` : '',
    `<ResourceType>${xml(r.resourceType)}</ResourceType>`,
    `<LastUpdatedTimestamp>${TIMESTAMP}</LastUpdatedTimestamp>`,
    `<ResourceStatus>${xml(r.resourceStatus ?? 'CREATE_COMPLETE')}</ResourceStatus>`,
    '<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>',
  ].join('');
}

/** An awsQuery success body: `<XResponse><XResult>...</XResult><ResponseMetadata/></XResponse>`. */
function result(action: string, inner: string): string {
  return [
    `<${action}Response xmlns="${XMLNS}">`,
    `<${action}Result>${inner}</${action}Result>`,
    '<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>',
    `</${action}Response>`,
  ].join('');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
