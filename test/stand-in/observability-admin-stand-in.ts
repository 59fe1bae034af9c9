/**
 * A loopback stand-in for the four telemetry-evaluation operations of CloudWatch ObservabilityAdmin
 * (restJson1): `POST /GetTelemetryEvaluationStatus`, `/StartTelemetryEvaluation` and their
 * `...ForOrganization` twins, JSON bodies, errors as the `x-amzn-ErrorType` header (or `__type` in
 * the body) with `{ "message" }`.
 *
 * It enforces the documented shapes and checks the SigV4 signature itself (re-signed with the
 * known test credentials: the right service name, region and payload), recording every breach in
 * `shapeViolations` (tests assert it empty). It keeps one status per scope: Start moves
 * NOT_STARTED, STOPPED, FAILED_START or FAILED_STOP to STARTING, which becomes RUNNING (or
 * FAILED_START, see `failStartWith`) after `readsToStart` status reads; STOPPING becomes STOPPED
 * after `readsToStop` reads.
 *
 * What the real service does in the cases AWS does not document is a SETTING, never a guess baked
 * in (FACTS style): `startWhileRunning` (does Start on a RUNNING or STARTING evaluation succeed?),
 * `organizationAccess` (how the organization calls refuse a member account or a missing trusted
 * access: the error names and messages are assumptions).
 */
import * as http from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { ServiceError, StandInServer } from './aws-protocols';

export type EvaluationScope = 'ACCOUNT' | 'ORGANIZATION';
export type Operation =
  | 'GetTelemetryEvaluationStatus' | 'StartTelemetryEvaluation'
  | 'GetTelemetryEvaluationStatusForOrganization' | 'StartTelemetryEvaluationForOrganization'
  | 'ListTelemetryRules' | 'ListTelemetryRulesForOrganization';

const OPERATIONS: Record<Operation, { scope: EvaluationScope; kind: 'get' | 'start' | 'list' }> = {
  ListTelemetryRules: { scope: 'ACCOUNT', kind: 'list' },
  ListTelemetryRulesForOrganization: { scope: 'ORGANIZATION', kind: 'list' },
  GetTelemetryEvaluationStatus: { scope: 'ACCOUNT', kind: 'get' },
  StartTelemetryEvaluation: { scope: 'ACCOUNT', kind: 'start' },
  GetTelemetryEvaluationStatusForOrganization: { scope: 'ORGANIZATION', kind: 'get' },
  StartTelemetryEvaluationForOrganization: { scope: 'ORGANIZATION', kind: 'start' },
};
/** Documented input members: Start takes optional Regions / AllRegions (newer model); Get takes none. */
const INPUT_MEMBERS: Record<'get' | 'start' | 'list', string[]> = {
  get: [],
  start: ['Regions', 'AllRegions'],
  // The ForOrganization variant also takes SourceAccountIds / SourceOrganizationUnitIds filters.
  list: ['RuleNamePrefix', 'MaxResults', 'NextToken', 'SourceAccountIds', 'SourceOrganizationUnitIds'],
};

export const STATUSES = ['NOT_STARTED', 'STARTING', 'FAILED_START', 'RUNNING', 'STOPPING', 'FAILED_STOP', 'STOPPED'] as const;
export type Status = typeof STATUSES[number];

export interface Evaluation {
  status: Status;
  failureReason?: string;
  /** Status reads answered in the current STARTING or STOPPING. */
  readsInState: number;
  /** Where STARTING ends. */
  startsInto?: { status: Status; failureReason?: string };
  /** Reads still to answer with a stale status. */
  stale?: { status: Status; reads: number };
}

export interface ObservabilityAdminStandInOptions {
  /** The region requests must be signed for. Default us-east-1. */
  readonly region?: string;
  /** The credentials requests must be signed with. Default the deploy-time world's (AKIDSTANDIN / stand-in-secret). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export class ObservabilityAdminStandIn extends StandInServer {
  public static async start(options: ObservabilityAdminStandInOptions = {}): Promise<ObservabilityAdminStandIn> {
    const standIn = new ObservabilityAdminStandIn(options);
    return standIn.listen((req, res) => void standIn.serve(req, res));
  }

  public readonly evaluations: Record<EvaluationScope, Evaluation> = {
    ACCOUNT: { status: 'NOT_STARTED', readsInState: 0 },
    ORGANIZATION: { status: 'NOT_STARTED', readsInState: 0 },
  };
  /** The telemetry rules ListTelemetryRules(ForOrganization) returns, per scope; a page holds `rulesPerPage`. */
  public readonly rules: Record<EvaluationScope, Array<{ RuleName: string; RuleArn: string; ResourceType: string; TelemetryType: string }>> = {
    ACCOUNT: [],
    ORGANIZATION: [],
  };
  public rulesPerPage = 2;
  /** Status reads that still answer STARTING (or STOPPING) before the next status. Default 2. */
  public readsToStart = 2;
  public readsToStop = 2;
  /** UNKNOWN in the real service: what Start answers while the evaluation is RUNNING or STARTING. Default success. */
  public startWhileRunning: 'success' | 'ValidationException' = 'success';
  /** Operations answered AccessDeniedException, as for a caller whose policy (or an SCP) denies them. */
  public readonly denied = new Set<Operation>();
  /** The next Start goes STARTING, then FAILED_START with this FailureReason. */
  public failStartWith?: string;
  /** How the organization calls answer (assumed shapes): allowed, or refused. */
  public organizationAccess: 'allowed' | 'not-management-account' | 'trusted-access-not-enabled' = 'allowed';
  /** Errors in the `x-amzn-ErrorType` header (what restJson1 services send), or only as `__type` in the body. */
  public errorStyle: 'header' | 'body' = 'header';
  /** Breaches of the documented request shapes or of SigV4. */
  public readonly shapeViolations: string[] = [];
  /** One-off faults, answered before anything else: `failNext('GetTelemetryEvaluationStatus', 'TooManyRequestsException', 429)`. */
  private readonly faults: Array<{ operation: Operation; error: ServiceError }> = [];
  private readonly region: string;
  private readonly signer: SignatureV4;
  private readonly accessKeyId: string;

  private constructor(options: ObservabilityAdminStandInOptions) {
    super();
    this.region = options.region ?? 'us-east-1';
    const credentials = options.credentials ?? { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
    this.accessKeyId = credentials.accessKeyId;
    this.signer = new SignatureV4({ service: 'observabilityadmin', region: this.region, credentials, sha256: Sha256, uriEscapePath: true });
  }

  /** Sets a scope's status (and FailureReason), as if it had got there by itself. */
  public set(scope: EvaluationScope, status: Status, failureReason?: string): void {
    this.evaluations[scope] = { status, failureReason, readsInState: 0 };
  }

  public status(scope: EvaluationScope): Status {
    return this.evaluations[scope].status;
  }

  /** The next `reads` status reads of the scope answer `status`, whatever it is (a read that lags behind). */
  public staleStatus(scope: EvaluationScope, status: Status, reads = 1): void {
    this.evaluations[scope].stale = { status, reads };
  }

  public failNext(operation: Operation, code: string, status: number, message = `${code} (stand-in fault)`): void {
    this.faults.push({ operation, error: new ServiceError(code, message, status) });
  }

  /** The operations received, in order. */
  public operations(): string[] {
    return this.calls.map((c) => c.operation);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const path = (req.url ?? '').split('?')[0];
    const operation = path.replace(/^\//, '') as Operation;
    let request: unknown;
    try {
      request = body ? JSON.parse(body) : undefined;
    } catch {
      request = body;
    }
    this.calls.push({ operation, request });
    try {
      const spec = OPERATIONS[operation];
      if (req.method !== 'POST' || !spec) {
        this.violation(`${req.method} ${path}: the service has POST /<one of ${Object.keys(OPERATIONS).join(', ')}>`);
        throw new ServiceError('UnknownOperationException', `No operation for ${req.method} ${path}`, 404);
      }
      await this.checkSignature(req, path, body, operation);
      this.checkBody(req, operation, body, spec.kind);
      const fault = this.faults.findIndex((f) => f.operation === operation);
      if (fault >= 0) throw this.faults.splice(fault, 1)[0].error;
      if (this.denied.has(operation)) {
        throw new ServiceError('AccessDeniedException',
          `User: arn:aws:sts::111122223333:assumed-role/HandlerRole/orchestrator is not authorized to perform: observabilityadmin:${operation} ` +
          'on resource: * because no identity-based policy allows the observabilityadmin:' + operation + ' action');
      }
      if (spec.scope === 'ORGANIZATION') this.checkOrganizationAccess();
      const answer = spec.kind === 'get' ? this.read(spec.scope)
        : spec.kind === 'list' ? this.listRules(spec.scope, request as { NextToken?: string } | undefined)
          : this.startEvaluation(spec.scope);
      this.send(res, 200, answer === undefined ? '' : JSON.stringify(answer));
    } catch (e) {
      const error = e instanceof ServiceError ? e : new ServiceError('InternalServerException', String(e), 500);
      const headers: Record<string, string> = {};
      let payload: Record<string, string> = { message: error.message };
      if (this.errorStyle === 'header') headers['x-amzn-errortype'] = `${error.code}:http://internal.amazon.com/coral/com.amazon.coral.service/`;
      else payload = { __type: `com.amazonaws.observabilityadmin#${error.code}`, message: error.message };
      this.send(res, error.status, JSON.stringify(payload), headers);
    }
  }

  private send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000000', ...headers });
    res.end(body);
  }

  private violation(text: string): void {
    this.shapeViolations.push(text);
  }

  /** Re-signs what the request says it signed, with the known secret: the signatures must agree. */
  private async checkSignature(req: http.IncomingMessage, path: string, body: string, operation: Operation): Promise<void> {
    const authorization = String(req.headers.authorization ?? '');
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!match) {
      this.violation(`${operation}: no SigV4 Authorization header (got ${JSON.stringify(authorization)})`);
      throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const [, accessKeyId, , region, service, signedHeaders] = match;
    if (service !== 'observabilityadmin' || region !== this.region || accessKeyId !== this.accessKeyId) {
      this.violation(`${operation}: signed for service ${service}, region ${region}, key ${accessKeyId}; expected observabilityadmin, ${this.region}, ${this.accessKeyId}`);
      throw new ServiceError('InvalidSignatureException', 'Credential should be scoped to a valid region and service \'observabilityadmin\'', 403);
    }
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!date) {
      this.violation(`${operation}: no X-Amz-Date header`);
      throw new ServiceError('IncompleteSignatureException', 'X-Amz-Date is missing', 403);
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders.split(';')) {
      if (name !== 'x-amz-date' && req.headers[name] !== undefined) headers[name] = String(req.headers[name]);
    }
    const copy = new HttpRequest({ method: req.method, protocol: 'http:', hostname: '127.0.0.1', path, headers, body });
    const signingDate = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]));
    const expected = await this.signer.sign(copy, { signingDate });
    if (expected.headers.authorization !== authorization) {
      this.violation(`${operation}: the SigV4 signature does not match the request (signed headers ${signedHeaders})`);
      throw new ServiceError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.', 403);
    }
  }

  private checkBody(req: http.IncomingMessage, operation: Operation, body: string, kind: 'get' | 'start' | 'list'): void {
    const type = String(req.headers['content-type'] ?? '');
    if (body && !/^application\/json\b/.test(type)) this.violation(`${operation}: content-type ${JSON.stringify(type)}, expected application/json`);
    if (!body) return; // restJson1 allows an empty body for an operation without input members
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.violation(`${operation}: the body is not JSON: ${body.slice(0, 100)}`);
      throw new ServiceError('SerializationException', 'Could not parse the request body', 400);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      this.violation(`${operation}: the body is not a JSON object: ${body.slice(0, 100)}`);
      throw new ServiceError('SerializationException', 'The request body must be a JSON object', 400);
    }
    const unknown = Object.keys(parsed).filter((k) => !INPUT_MEMBERS[kind].includes(k));
    if (unknown.length > 0) {
      this.violation(`${operation}: unknown input members ${unknown.join(', ')}`);
      throw new ServiceError('ValidationException', `Unknown members: ${unknown.join(', ')}`, 400);
    }
  }

  private checkOrganizationAccess(): void {
    switch (this.organizationAccess) {
      case 'not-management-account':
        throw new ServiceError('AccessDeniedException', 'The caller account is not the management account or a delegated administrator of the organization.');
      case 'trusted-access-not-enabled':
        throw new ServiceError('ValidationException', 'Trusted access for observabilityadmin.amazonaws.com is not enabled in the organization.');
      default:
    }
  }

  private read(scope: EvaluationScope): { Status: Status; FailureReason?: string } {
    const evaluation = this.evaluations[scope];
    if (evaluation.stale && evaluation.stale.reads > 0) {
      evaluation.stale.reads--;
      return { Status: evaluation.stale.status };
    }
    if (evaluation.status === 'STARTING' && evaluation.readsInState >= this.readsToStart) {
      const next = evaluation.startsInto ?? { status: 'RUNNING' as const };
      this.evaluations[scope] = { status: next.status, failureReason: next.failureReason, readsInState: 0 };
    } else if (evaluation.status === 'STOPPING' && evaluation.readsInState >= this.readsToStop) {
      this.evaluations[scope] = { status: 'STOPPED', readsInState: 0 };
    }
    const now = this.evaluations[scope];
    now.readsInState++;
    return { Status: now.status, ...(now.failureReason && /^FAILED_/.test(now.status) ? { FailureReason: now.failureReason } : {}) };
  }

  private listRules(scope: EvaluationScope, request: { NextToken?: string } | undefined): unknown {
    const from = request?.NextToken ? Number(request.NextToken) : 0;
    const page = this.rules[scope].slice(from, from + this.rulesPerPage);
    const next = from + this.rulesPerPage < this.rules[scope].length ? String(from + this.rulesPerPage) : undefined;
    return { TelemetryRuleSummaries: page, ...(next ? { NextToken: next } : {}) };
  }

  private startEvaluation(scope: EvaluationScope): undefined {
    const { status } = this.evaluations[scope];
    if (status === 'RUNNING' || status === 'STARTING') {
      if (this.startWhileRunning === 'ValidationException') throw new ServiceError('ValidationException', `Telemetry evaluation is already ${status}.`);
      return undefined;
    }
    if (status === 'STOPPING') throw new ServiceError('ValidationException', 'Telemetry evaluation is STOPPING; start it once it is STOPPED.');
    const startsInto = this.failStartWith !== undefined ? { status: 'FAILED_START' as const, failureReason: this.failStartWith } : { status: 'RUNNING' as const };
    this.evaluations[scope] = { status: 'STARTING', readsInState: 0, startsInto };
    return undefined; // 200, empty body
  }
}
