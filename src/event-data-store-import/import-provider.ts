import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import { MAX_RESOURCE_SECONDS } from './handler/properties';
import { ImportHandlerFunction } from './import-handler-function';
import { KeyPermissions, keyStatement } from './import-source';

const PROVIDER_ID = 'cdk-eventdatastore-import.ImportProvider';

/** Managed policies hold at most 6,144 characters: start a new one well before that. */
const POLICY_CHARACTER_BUDGET = 4_500;
/** A resolved ARN is at most about this long; tokens are counted at this size. */
const ARN_CHARACTERS = 130;
/** Stores whose permissions share one import role (its single managed policy stays under the limit). */
const STORES_PER_IMPORT_ROLE = 6;

/** Where the provider's user handler posts progress: the interval between isComplete polls. */
export const POLL_INTERVAL = Duration.seconds(20);

/**
 * One per stack, however many imports: the deploy-time function, the provider framework, the
 * function's role and policies, and the import roles shared by the stack's imports.
 * @internal
 */
export class ImportProvider extends Construct {
  /** The stack's provider, created on first use. */
  public static of(scope: Construct): ImportProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as ImportProvider | undefined) ?? new ImportProvider(stack, PROVIDER_ID);
  }

  public readonly serviceToken: string;
  public readonly handlerRole: iam.Role;
  public readonly handlerLogGroup: logs.LogGroup;
  private readonly handlerPolicies: PolicyChunks;
  private readonly importRoles: SharedImportRole[] = [];
  private readonly granted = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Starts, watches and (under RemovalPolicy.DESTROY) cancels CloudWatch Logs imports from CloudTrail Lake',
    });
    this.handlerLogGroup = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
    });
    this.handlerPolicies = new PolicyChunks(this, 'HandlerPolicy', this.handlerRole);
    // The four import actions have no resource type: `*` is the only resource they accept.
    this.handlerPolicies.add('import-actions', new iam.PolicyStatement({
      actions: ['logs:CreateImportTask', 'logs:DescribeImportTasks', 'logs:DescribeImportTaskBatches', 'logs:CancelImportTask'],
      resources: ['*'],
    }));
    this.handlerPolicies.add('own-logs', new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.handlerLogGroup.logGroupArn],
    }));

    const handler = new ImportHandlerFunction(this, 'Handler', {
      role: this.handlerRole,
      logGroup: this.handlerLogGroup,
      memorySize: 256,
      // IAM-propagation retries take up to four minutes; leave room to report.
      timeout: Duration.minutes(6),
      description: 'cdk-eventdatastore-import: CreateImportTask at deploy time (onEvent and isComplete)',
    });
    handler.node.addDependency(this.handlerPolicies.dependable);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      isCompleteHandler: handler,
      queryInterval: POLL_INTERVAL,
      totalTimeout: Duration.seconds(MAX_RESOURCE_SECONDS),
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_YEAR }),
    });
    this.serviceToken = provider.serviceToken;
  }

  /** Everything a custom resource must wait for before it calls the service. */
  public get policies(): IDependable {
    return this.handlerPolicies.dependable;
  }

  /**
   * The import role shared by the stack's imports: it trusts only cloudtrail.amazonaws.com and is
   * allowed exactly the stores (and their log groups and keys) imported through it.
   */
  public importRoleFor(source: { eventDataStoreArn: string; keyPermissions?: KeyPermissions; destinationLogGroupArns: string[] }): SharedImportRole {
    const existing = this.importRoles.find((role) => role.holds(source.eventDataStoreArn));
    if (existing) return existing;
    let current = this.importRoles[this.importRoles.length - 1];
    if (!current || current.storeCount >= STORES_PER_IMPORT_ROLE) {
      const id = this.importRoles.length === 0 ? 'ImportRole' : `ImportRole${this.importRoles.length + 1}`;
      current = new SharedImportRole(this, id);
      this.importRoles.push(current);
      this.allowPassRole(current.role);
    }
    current.addStore(source);
    return current;
  }

  /** iam:PassRole on the import role, and only to CloudTrail. */
  public allowPassRole(role: iam.IRole): void {
    this.addOnce(`pass:${role.roleArn}`, new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
    }));
  }

  /** The caller of CreateImportTask must itself be able to read the source (and its key). */
  public allowReadSource(eventDataStoreArn: string, keyPermissions?: KeyPermissions): void {
    this.addOnce(`read:${eventDataStoreArn}`, new iam.PolicyStatement({
      actions: ['cloudtrail:GetEventDataStoreData'],
      resources: [eventDataStoreArn],
    }));
    if (keyPermissions) {
      this.addOnce(`key:${keyPermissions.resources.join(',')}`, keyStatement(keyPermissions));
    }
  }

  private addOnce(key: string, statement: iam.PolicyStatement): void {
    if (this.granted.has(key)) return;
    this.granted.add(key);
    this.handlerPolicies.add(key, statement);
  }
}

/**
 * An import role shared by up to a few stores of a stack, with one managed policy listing
 * exactly those stores. @internal
 */
export class SharedImportRole extends Construct {
  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;
  private readonly stores = new Set<string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: 'Lets CloudWatch Logs import CloudTrail Lake event data stores (CreateImportTask)',
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this.role] });
    // PutResourcePolicy has no resource type: `*` is the only resource it accepts.
    this.policy.addStatements(new iam.PolicyStatement({ actions: ['logs:PutResourcePolicy'], resources: ['*'] }));
  }

  public get storeCount(): number {
    return this.stores.size;
  }

  public holds(eventDataStoreArn: string): boolean {
    return this.stores.has(eventDataStoreArn);
  }

  public addStore(source: { eventDataStoreArn: string; keyPermissions?: KeyPermissions; destinationLogGroupArns: string[] }): void {
    this.stores.add(source.eventDataStoreArn);
    this.policy.addStatements(
      new iam.PolicyStatement({ actions: ['cloudtrail:GetEventDataStoreData'], resources: [source.eventDataStoreArn] }),
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream'],
        resources: source.destinationLogGroupArns.flatMap((arn) => [arn, `${arn}:log-stream:*`]),
      }),
    );
    if (source.keyPermissions) {
      this.policy.addStatements(keyStatement(source.keyPermissions));
    }
  }
}

/**
 * Statements spread over as many managed policies as their size needs (a managed policy holds
 * 6,144 characters), all attached to one role. Managed rather than inline: NIST 800-53 checks
 * reject inline policies.
 */
class PolicyChunks extends Construct {
  /** Every policy of the role, for resources that must not run before (or outlive) them. */
  public readonly dependable = new DependencyGroup();
  private readonly chunks: Array<{ policy: iam.ManagedPolicy; size: number }> = [];

  constructor(scope: Construct, id: string, private readonly role: iam.IRole) {
    super(scope, id);
  }

  public add(_key: string, statement: iam.PolicyStatement): void {
    const size = estimateSize(statement);
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.size + size > POLICY_CHARACTER_BUDGET) {
      const policy = new iam.ManagedPolicy(this, this.chunks.length === 0 ? 'Default' : `Part${this.chunks.length + 1}`, { roles: [this.role] });
      this.dependable.add(policy);
      chunk = { policy, size: 0 };
      this.chunks.push(chunk);
    }
    chunk.policy.addStatements(statement);
    chunk.size += size;
  }
}

function estimateSize(statement: iam.PolicyStatement): number {
  const json = statement.toStatementJson() as { Action?: string | string[]; Condition?: unknown };
  const actions = ([] as string[]).concat(json.Action ?? []).join(',').length;
  return 60 + actions + statement.resources.length * ARN_CHARACTERS + JSON.stringify(json.Condition ?? '').length;
}
