/**
 * The two wire protocols of the preflight stand-ins, so that each stand-in holds only its service:
 * awsJson1_1 (CloudTrail, KMS: a POST whose `X-Amz-Target` names the operation, JSON both ways,
 * errors as `{"__type", "message"}`) and awsQuery (IAM, STS, CloudFormation: a form-encoded POST
 * with `Action`, answered with XML; lists are `Name.member.N`). SigV4 signatures are not checked.
 */
import * as http from 'node:http';
import { LoopbackServer } from './loopback-server';

/** An error the service returns. */
export class ServiceError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

/** One request a stand-in received. */
export interface ReceivedCall {
  readonly operation: string;
  readonly request: any;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** What every preflight stand-in has: a loopback server, its endpoint, the calls it received. */
export abstract class StandInServer {
  /** Every request received, in order. */
  public readonly calls: ReceivedCall[] = [];
  private server?: LoopbackServer;

  /** Base URL for an SDK client's `endpoint`. */
  public get endpoint(): string {
    if (!this.server) throw new Error('the stand-in is not listening');
    return this.server.url;
  }

  /** Closes the server and every open connection; safe to call twice. */
  public async stop(): Promise<void> {
    await this.server?.close();
  }

  protected async listen(handler: http.RequestListener): Promise<this> {
    this.server = await LoopbackServer.listen(handler);
    return this;
  }
}

/** An awsJson1_1 service: `operations` by name (without the target prefix); each returns the response body. */
export function awsJsonHandler(
  targetPrefix: string, operations: Record<string, (request: any) => unknown>, calls: ReceivedCall[],
): http.RequestListener {
  return async (req, res) => {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(targetPrefix, '');
    const request = body ? JSON.parse(body) : {};
    calls.push({ operation, request });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000000' });
      res.end(JSON.stringify(payload));
    };
    try {
      const handler = operations[operation];
      if (!handler) throw new ServiceError('UnknownOperationException', `The stand-in does not implement ${operation}`);
      send(200, handler(request));
    } catch (e) {
      const error = e instanceof ServiceError ? e : new ServiceError('InternalFailure', String(e), 500);
      send(error.status, { __type: error.code, message: error.message });
    }
  };
}

/** An XML value: objects become elements, arrays become `<member>` lists, undefined is left out. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

export function toXml(value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `<${k}>${toXml(v)}</${k}>`).join('');
  }
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An awsQuery service: `operations` by Action; each returns the content of `<ActionResult>`. */
export function awsQueryHandler(
  xmlns: string, operations: Record<string, (params: QueryParams) => XmlValue | Promise<XmlValue>>, calls: ReceivedCall[],
): http.RequestListener {
  return async (req, res) => {
    const params = new QueryParams(new URLSearchParams(await readBody(req)));
    const action = params.get('Action') ?? '';
    calls.push({ operation: action, request: params.all() });
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000000' });
      res.end(xml);
    };
    try {
      const handler = operations[action];
      if (!handler) throw new ServiceError('InvalidAction', `Could not find operation ${action}`);
      const result = toXml(await handler(params));
      send(200, `<${action}Response xmlns="${xmlns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`);
    } catch (e) {
      const error = e instanceof ServiceError ? e : new ServiceError('InternalFailure', String(e), 500);
      send(error.status, `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type>${toXml({ Code: error.code, Message: error.message })}</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`);
    }
  };
}

/** The form parameters of an awsQuery request. */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  public get(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  public all(): Record<string, string> {
    return Object.fromEntries(this.params.entries());
  }

  /** The values of `Name.member.1`, `Name.member.2`... in order. */
  public list(name: string): string[] {
    return this.members(name).map(([, value]) => value);
  }

  /** Structures of `Name.member.N.Field`, and their lists `Name.member.N.Field.member.M`. */
  public structures(name: string): Array<QueryParams> {
    const count = new Set(this.members(name, true).map(([n]) => n)).size;
    return Array.from({ length: count }, (_, i) => {
      const prefix = `${name}.member.${i + 1}.`;
      const fields = [...this.params.entries()].filter(([k]) => k.startsWith(prefix)).map(([k, v]): [string, string] => [k.slice(prefix.length), v]);
      return new QueryParams(new URLSearchParams(fields));
    });
  }

  private members(name: string, nested = false): Array<[number, string]> {
    const pattern = new RegExp(`^${name.replace(/\./g, '\\.')}\\.member\\.(\\d+)${nested ? '\\.' : '$'}`);
    return [...this.params.entries()]
      .map(([k, v]): [RegExpExecArray | null, string] => [pattern.exec(k), v])
      .filter((e): e is [RegExpExecArray, string] => e[0] !== null)
      .map(([m, v]): [number, string] => [Number(m[1]), v])
      .sort((a, b) => a[0] - b[0]);
  }
}

/** The member names of an SDK schema (`require('@aws-sdk/client-x').SomeShape$`): index 4 of the tuple. */
export function schemaMembers(schema: unknown): string[] {
  return (schema as unknown[])[4] as string[];
}
