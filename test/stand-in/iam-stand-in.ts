/**
 * A loopback stand-in for IAM (GetRole, SimulatePrincipalPolicy, SimulateCustomPolicy) and STS
 * (GetCallerIdentity), both awsQuery, for the preflight tests. Point the IAM and STS clients at
 * the same endpoint. The simulations evaluate the policies they are given (or the role's) with a
 * real policy engine, `@cloud-copilot/iam-simulate`, not canned answers.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { awsQueryHandler, QueryParams, ReceivedCall, ServiceError, StandInServer, XmlValue } from './aws-protocols';

export interface RoleInit {
  readonly name: string;
  /** Default `/`. */
  readonly path?: string;
  readonly trustPolicy: unknown;
  /** Identity policies (inline or attached: the simulation treats them alike). */
  readonly policies: unknown[];
}

const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const DECISIONS: Record<string, string> = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' };

export class IamStandIn extends StandInServer {
  public static async start(account: string): Promise<IamStandIn> {
    const standIn = new IamStandIn(account);
    return standIn.listen(awsQueryHandler(IAM_XMLNS, {
      GetRole: (p) => standIn.getRole(p),
      SimulatePrincipalPolicy: (p) => standIn.simulatePrincipalPolicy(p),
      SimulateCustomPolicy: (p) => standIn.simulateCustomPolicy(p),
      GetCallerIdentity: () => standIn.getCallerIdentity(),
    }, standIn.calls));
  }

  /** The account GetCallerIdentity reports; change it to play credentials of another account. */
  public callerAccount: string;
  /** True: GetCallerIdentity rejects the credentials (InvalidClientTokenId). */
  public rejectCredentials = false;
  private readonly roles = new Map<string, RoleInit>();

  private constructor(private readonly account: string) {
    super();
    this.callerAccount = account;
  }

  public roleArn(name: string): string {
    return `arn:aws:iam::${this.account}:role${this.roles.get(name)?.path ?? '/'}${name}`;
  }

  public addRole(role: RoleInit): string {
    this.roles.set(role.name, role);
    return this.roleArn(role.name);
  }

  public callsOf(operation: string): ReceivedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  private role(name: string | undefined): RoleInit {
    const role = this.roles.get(name ?? '');
    if (!role) throw new ServiceError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  private getRole(params: QueryParams): XmlValue {
    const role = this.role(params.get('RoleName'));
    return {
      Role: {
        Path: role.path ?? '/',
        RoleName: role.name,
        RoleId: 'AROAEXAMPLEEXAMPLE01',
        Arn: this.roleArn(role.name),
        CreateDate: '2026-11-01T00:00:00Z',
        // IAM returns the trust policy URL-encoded.
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(role.trustPolicy)),
        MaxSessionDuration: 3600,
      },
    };
  }

  private async simulatePrincipalPolicy(params: QueryParams): Promise<XmlValue> {
    const arn = params.get('PolicySourceArn') ?? '';
    const role = this.role(arn.slice(arn.lastIndexOf('/') + 1));
    return this.simulate(arn, role.policies, params);
  }

  private async simulateCustomPolicy(params: QueryParams): Promise<XmlValue> {
    const policies = params.list('PolicyInputList').map((text) => JSON.parse(text));
    if (policies.length === 0) throw new ServiceError('ValidationError', 'PolicyInputList must not be empty');
    return this.simulate(`arn:aws:iam::${this.account}:role/custom-policy-simulation`, policies, params);
  }

  private async simulate(principal: string, policies: unknown[], params: QueryParams): Promise<XmlValue> {
    const resources = params.list('ResourceArns');
    const context = contextOf(params);
    const results: XmlValue[] = [];
    for (const action of params.list('ActionNames')) {
      for (const resource of resources.length > 0 ? resources : ['*']) {
        const decision = await this.decide(principal, policies, action, resource, context);
        results.push({ EvalActionName: action, EvalResourceName: resource, EvalDecision: decision });
      }
    }
    return { EvaluationResults: results, IsTruncated: false };
  }

  private async decide(
    principal: string, policies: unknown[], action: string, resource: string, context: Record<string, string | string[]>,
  ): Promise<string> {
    const result = await runSimulation({
      request: { principal, action, resource: { resource, accountId: this.account }, contextVariables: context },
      identityPolicies: policies.map((policy, i) => ({ name: `policy${i + 1}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') throw new ServiceError('MalformedPolicyDocument', result.errors.message);
    // IAM's simulator, given no ResourcePolicy, decides on the identity policies alone; the engine
    // models AWS's whole authorization (a KMS key, say, also needs its key policy): take its
    // identity-policy verdict, as IAM would answer.
    const identity = result.resultType === 'single' ? result.result.analysis.identityAnalysis?.result : undefined;
    return DECISIONS[identity ?? result.overallResult] ?? 'implicitDeny';
  }

  private getCallerIdentity(): XmlValue {
    if (this.rejectCredentials) throw new ServiceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return { UserId: 'AIDAEXAMPLEEXAMPLE01', Account: this.callerAccount, Arn: `arn:aws:iam::${this.callerAccount}:user/preflight` };
  }
}

function contextOf(params: QueryParams): Record<string, string | string[]> {
  return Object.fromEntries(params.structures('ContextEntries').map((entry) => {
    const values = entry.list('ContextKeyValues');
    return [entry.get('ContextKeyName') ?? '', values.length === 1 ? values[0] : values];
  }));
}
