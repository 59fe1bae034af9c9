/**
 * A tiny loopback stand-in for CloudFormation's ListStackResources, for the status command's
 * `--stack` tests. CloudFormation speaks awsQuery: a form-encoded POST (`Action=ListStackResources`,
 * `StackName`, `NextToken`) answered with XML; errors are `<ErrorResponse><Error>...</Error></ErrorResponse>`.
 * Only ListStackResources is implemented; SigV4 signatures are not checked.
 */
import * as http from 'node:http';
import { LoopbackServer } from '../stand-in/loopback-server';

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
  private readonly stacks = new Map<string, StackResourceInit[]>();

  private constructor(pageSize: number) {
    this.pageSize = pageSize;
  }

  /** Base URL for the SDK's `endpoint` (or `AWS_ENDPOINT_URL_CLOUDFORMATION`). */
  public get endpoint(): string {
    return this.server.url;
  }

  /** Adds (or replaces) a stack and its resources. */
  public setStack(name: string, resources: StackResourceInit[]): void {
    this.stacks.set(name, resources.map((r) => ({ ...r })));
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
    if (action !== 'ListStackResources') {
      return this.error(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.Version ?? ''}`);
    }
    const name = params.StackName ?? '';
    const resources = this.stacks.get(name);
    if (!resources) {
      return this.error(res, 400, 'ValidationError', `Stack with id ${name} does not exist`);
    }
    const start = params.NextToken ? Number(Buffer.from(params.NextToken, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0 || start > resources.length) {
      return this.error(res, 400, 'ValidationError', 'Invalid NextToken');
    }
    const page = resources.slice(start, start + this.pageSize);
    const next = start + page.length < resources.length ? Buffer.from(String(start + page.length)).toString('base64') : undefined;
    const members = page.map((r) => [
      '<member>',
      `<LogicalResourceId>${xml(r.logicalResourceId)}</LogicalResourceId>`,
      r.physicalResourceId !== undefined ? `<PhysicalResourceId>${xml(r.physicalResourceId)}</PhysicalResourceId>` : '',
      `<ResourceType>${xml(r.resourceType)}</ResourceType>`,
      '<LastUpdatedTimestamp>2026-11-25T21:00:00.000Z</LastUpdatedTimestamp>',
      `<ResourceStatus>${xml(r.resourceStatus ?? 'CREATE_COMPLETE')}</ResourceStatus>`,
      '<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>',
      '</member>',
    ].join('')).join('');
    this.send(res, 200, [
      `<ListStackResourcesResponse xmlns="${XMLNS}">`,
      '<ListStackResourcesResult>',
      `<StackResourceSummaries>${members}</StackResourceSummaries>`,
      next ? `<NextToken>${next}</NextToken>` : '',
      '</ListStackResourcesResult>',
      '<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>',
      '</ListStackResourcesResponse>',
    ].join(''));
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

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
