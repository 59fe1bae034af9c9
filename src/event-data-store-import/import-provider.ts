import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, DependencyGroup, IConstruct, IDependable } from 'constructs';
import { acknowledgeRule, acknowledgeWildcards, WildcardJustification } from './compliance';
import { MAX_RESOURCE_SECONDS } from './handler/properties';
import { ImportHandlerOptions } from './handler-options';
import { ImportHandlerFunction } from './import-handler-function';
import { KeyPermissions, keyStatement } from './import-source';

const PROVIDER_ID = 'cdk-eventdatastore-import.ImportProvider';

/** Managed policies hold at most 6,144 characters: start a new one well before that. */
const POLICY_CHARACTER_BUDGET = 5_500;
/** A resolved ARN is at most about this long; tokens are counted at this size. */
const ARN_CHARACTERS = 130;
/** A reference inside a literal ARN (partition, account, an event data store ID): at most this long. */
const REFERENCE_CHARACTERS = 40;
/** Stores whose permissions share one import role (its single managed policy stays under the limit). */
const STORES_PER_IMPORT_ROLE = 6;

/** Where the provider's user handler posts progress: the interval between isComplete polls. */
export const POLL_INTERVAL = Duration.seconds(20);

// Wildcards the library needs, with the reason (acknowledged for cdk-nag's AwsSolutions-IAM5).
// Resource patterns match resources as cdk-nag prints them (see compliance.ts). Plain ASCII only.

const IMPORT_ACTIONS: WildcardJustification = {
  actions: ['logs:CreateImportTask', 'logs:DescribeImportTasks', 'logs:DescribeImportTaskBatches', 'logs:CancelImportTask'],
  resource: '\\*',
  reason: 'logs:CreateImportTask, DescribeImportTasks, DescribeImportTaskBatches and CancelImportTask have no resource type in IAM: * is the only resource they accept.',
};
const PUT_RESOURCE_POLICY: WildcardJustification = {
  actions: ['logs:PutResourcePolicy'],
  resource: '\\*',
  reason: 'logs:PutResourcePolicy, which the import needs, has no resource type in IAM: * is the only resource it accepts.',
};
const DESTINATION_LOG_STREAMS: WildcardJustification = {
  actions: ['logs:CreateLogGroup', 'logs:CreateLogStream'],
  resource: '.*:log-group:/?aws/cloudtrail/.+:log-stream:\\*',
  reason: 'CloudWatch Logs names the log streams of the destination log group during the import; the wildcard covers the streams of that one log group only.',
};
const DELETE_LOG_GROUP: WildcardJustification = {
  actions: ['logs:DeleteLogGroup'],
  resource: '.*:log-group:\\*aws/cloudtrail/[^*]+(:\\*)?',
  reason: 'Names one destination log group per event data store of a RemovalPolicy.DESTROY import: the leading * covers both spellings of its name '
    + '(aws/cloudtrail/<id> and /aws/cloudtrail/<id>), the trailing :* the log group ARN form IAM evaluates.',
};
const STORE_KEY_ALIAS: WildcardJustification = {
  actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
  resource: '.*:kms:.*:key/\\*',
  reason: 'The event data store names its KMS key by alias and KMS authorizes by key ARN: the statement allows only the keys that carry that alias (condition kms:ResourceAliases).',
};
const INVOKE_VERSIONS: WildcardJustification = {
  actions: ['lambda:InvokeFunction'],
  resource: '<[A-Za-z0-9]+\\.Arn>:\\*',
  reason: 'Written by the aws-cdk-lib provider framework (grantInvoke): one function and its versions and aliases (function ARN:*), nothing else.',
};
const STATE_MACHINE_LOG_DELIVERY: WildcardJustification = {
  actions: ['logs:CreateLogDelivery', 'logs:CreateLogStream', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries', 'logs:PutLogEvents', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
  resource: '\\*',
  reason: 'Written by the aws-cdk-lib provider framework for the waiter state machine\'s logging: Step Functions log delivery (logs:CreateLogDelivery and related actions) accepts only *.',
};
const XRAY: WildcardJustification = {
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
  resource: '\\*',
  reason: 'X-Ray tracing of the waiter state machine: these X-Ray actions have no resource type in IAM, * is the only resource they accept.',
};
const VPC_ACCESS: WildcardJustification = {
  actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
  resource: '\\*',
  reason: 'Lambda\'s network interfaces in the VPC (the actions of AWSLambdaVPCAccessExecutionRole): ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets accept only *, and the interfaces do not exist before Lambda creates them.',
};

/**
 * One per stack, however many imports: the deploy-time function, the provider framework, the
 * function's role and policies, and the import roles shared by the stack's imports.
 *
 * Every policy is a managed policy (NIST 800-53 rev 5 rejects inline policies), including the
 * provider framework's. The few findings of cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs that
 * the library cannot avoid, or that only the user can resolve (through {@link ImportHandlerOptions}),
 * are acknowledged on the one resource concerned, with the reason (see compliance.ts).
 * @internal
 */
export class ImportProvider extends Construct {
  /**
   * The stack's provider, created on first use with `options`. A later call may leave `options`
   * out; every option it sets must match the provider's.
   */
  public static of(scope: Construct, options?: ImportHandlerOptions): ImportProvider {
    const stack = Stack.of(scope);
    let provider = stack.node.tryFindChild(PROVIDER_ID) as ImportProvider | undefined;
    if (!provider) {
      provider = new ImportProvider(stack, PROVIDER_ID, options ?? {}, scope.node.path);
    } else if (options) {
      provider.checkSameOptions(options, scope);
    }
    return provider;
  }

  public readonly serviceToken: string;
  public readonly handlerRole: iam.Role;
  public readonly handlerLogGroup: logs.LogGroup;
  private readonly handlerPolicies: PolicyChunks;
  private readonly allPolicies: DependencyGroup;
  private readonly importRoles: SharedImportRole[] = [];
  private readonly granted = new Set<string>();
  private readonly options: ResolvedOptions;
  private readonly createdBy: string;

  private constructor(scope: Construct, id: string, options: ImportHandlerOptions, createdBy: string) {
    super(scope, id);
    this.options = resolveOptions(options);
    this.createdBy = createdBy;
    const { vpc, vpcSubnets, logRetention, logEncryptionKey, reservedConcurrentExecutions, environmentEncryption } = this.options;
    if (logEncryptionKey) allowCloudWatchLogsToUseKey(logEncryptionKey);
    const logGroupProps: logs.LogGroupProps = { retention: logRetention, encryptionKey: logEncryptionKey };
    const securityGroups = vpc && !this.options.securityGroups ? [functionSecurityGroup(this, vpc)] : this.options.securityGroups;

    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Starts, watches and (under RemovalPolicy.DESTROY) cancels CloudWatch Logs imports from CloudTrail Lake',
    });
    this.handlerLogGroup = new logs.LogGroup(this, 'HandlerLogs', logGroupProps);
    this.handlerPolicies = new PolicyChunks(this, 'HandlerPolicy', this.handlerRole, vpc ? [IMPORT_ACTIONS, STORE_KEY_ALIAS, DELETE_LOG_GROUP, VPC_ACCESS] : [IMPORT_ACTIONS, STORE_KEY_ALIAS, DELETE_LOG_GROUP]);
    // The four import actions have no resource type: `*` is the only resource they accept.
    this.handlerPolicies.add('import-actions', new iam.PolicyStatement({
      actions: IMPORT_ACTIONS.actions,
      resources: ['*'],
    }));
    this.handlerPolicies.add('own-logs', new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.handlerLogGroup.logGroupArn],
    }));
    if (vpc) this.handlerPolicies.add('vpc-access', vpcAccessStatement());

    const handler = new ImportHandlerFunction(this, 'Handler', {
      role: this.handlerRole,
      logGroup: this.handlerLogGroup,
      memorySize: 256,
      // IAM-propagation retries take up to four minutes; leave room to report.
      timeout: Duration.minutes(6),
      description: 'cdk-eventdatastore-import: CreateImportTask at deploy time (onEvent and isComplete)',
      vpc,
      vpcSubnets,
      securityGroups,
      reservedConcurrentExecutions,
      environmentEncryption,
    });
    handler.node.addDependency(this.handlerPolicies.dependable);
    acknowledgeRule(handler.node.defaultChild as lambda.CfnFunction, 'AwsSolutions-L1',
      'The import handler runs on the Node.js runtime its bundle is built and tested for, pinned by each release of cdk-eventdatastore-import; newer runtimes come with library updates.');

    // The provider framework: its functions get roles whose statements go to managed policies, the
    // handler's log settings, and the VPC; its waiter state machine logs everything and is traced.
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', logGroupProps);
    const waiterLogs = new logs.LogGroup(this, 'WaiterLogs', {
      ...logGroupProps,
      // Under /aws/vendedlogs/ Step Functions needs no log group resource policy entry per log group.
      logGroupName: `/aws/vendedlogs/states/cdk-eventdatastore-import-${handler.functionName}`,
    });
    const frameworkRoles = ['FrameworkOnEventRole', 'FrameworkIsCompleteRole'].map((roleId) => {
      const role = new RoleWithManagedPolicy(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'cdk-eventdatastore-import: custom resource provider framework functions',
      });
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [providerLogs.logGroupArn],
      }));
      if (vpc) role.addToPrincipalPolicy(vpcAccessStatement());
      return role;
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      isCompleteHandler: handler,
      queryInterval: POLL_INTERVAL,
      totalTimeout: Duration.seconds(MAX_RESOURCE_SECONDS),
      logGroup: providerLogs,
      frameworkOnEventRole: frameworkRoles[0],
      frameworkCompleteAndTimeoutRole: frameworkRoles[1],
      vpc,
      vpcSubnets,
      securityGroups,
      providerFunctionEnvEncryption: environmentEncryption,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: waiterLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const frameworkFunctions = provider.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
    for (const fn of frameworkFunctions) {
      if (reservedConcurrentExecutions !== undefined) fn.reservedConcurrentExecutions = reservedConcurrentExecutions;
      acknowledgeRule(fn, 'AwsSolutions-L1', 'The provider framework function\'s runtime is chosen by aws-cdk-lib (the latest Node.js runtime it knows the region supports); the Provider construct does not let it be set.');
    }
    for (const role of frameworkRoles) {
      acknowledgeWildcards(role.managedPolicy.node.defaultChild as iam.CfnManagedPolicy, vpc ? [INVOKE_VERSIONS, VPC_ACCESS] : [INVOKE_VERSIONS]);
    }
    const waiterPolicy = hardenWaiterStateMachine(provider);
    this.serviceToken = provider.serviceToken;
    // Creating and deleting an import goes through the framework too: its permissions must come
    // first and go last, like the handler's.
    this.allPolicies = new DependencyGroup(this.handlerPolicies.dependable, ...frameworkRoles.map((r) => r.managedPolicy));
    if (waiterPolicy) this.allPolicies.add(waiterPolicy);

    const functions = [handler.node.defaultChild as lambda.CfnFunction, ...frameworkFunctions];
    for (const fn of functions) {
      acknowledgeRule(fn, 'NIST.800.53.R5-LambdaDLQ', 'Deploy-time function: the handler and the framework\'s isComplete and onTimeout functions are invoked synchronously, '
        + 'where a dead-letter queue never applies; the framework\'s onEvent function reports its failures to CloudFormation itself, and the custom resource\'s '
        + 'service timeout bounds a lost invocation.');
      if (!vpc) {
        acknowledgeRule(fn, 'NIST.800.53.R5-LambdaInsideVPC', 'Deploy-time function that only calls AWS APIs; set the import\'s handler.vpc to run it in a VPC.');
      }
      if (reservedConcurrentExecutions === undefined) {
        acknowledgeRule(fn, 'NIST.800.53.R5-LambdaConcurrency', 'Deploy-time function run once per import; reserving concurrency fails in accounts with a low concurrency quota, so it is opt-in: set the import\'s handler.reservedConcurrentExecutions.');
      }
    }
    if (!logEncryptionKey) {
      for (const logGroup of [this.handlerLogGroup, providerLogs, waiterLogs]) {
        acknowledgeRule(logGroup.node.defaultChild as logs.CfnLogGroup, 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
          'Logs of the deploy-time functions, encrypted by CloudWatch Logs; set the import\'s handler.logEncryptionKey to use a customer managed key.');
      }
    }
  }

  /**
   * Everything a custom resource must wait for before it calls the service, and that must outlive
   * it: the policies of the handler and of the provider framework.
   */
  public get policies(): IDependable {
    return this.allPolicies;
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

  /**
   * Under RemovalPolicy.DESTROY: logs:DeleteLogGroup on the store's destination log group, and
   * nothing else. Shared by the imports of that store.
   */
  public allowDeleteLogGroup(eventDataStoreArn: string, eventDataStoreId: string, region: string | undefined, account: string | undefined): void {
    // One pattern for both spellings of the name (`aws/cloudtrail/<id>`, `/aws/cloudtrail/<id>`):
    // a quarter of the ARNs, so that a hundred such imports fit IAM's policy limits.
    const logGroup = Stack.of(this).formatArn({
      service: 'logs', region, account, resource: 'log-group', resourceName: `*aws/cloudtrail/${eventDataStoreId}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.addOnce(`destroy:${eventDataStoreArn}`, new iam.PolicyStatement({
      actions: DELETE_LOG_GROUP.actions,
      resources: [logGroup, `${logGroup}:*`],
    }));
  }

  private addOnce(key: string, statement: iam.PolicyStatement): void {
    if (this.granted.has(key)) return;
    this.granted.add(key);
    this.handlerPolicies.add(key, statement);
  }

  /** A later import's `handler` options must describe the provider that exists. */
  private checkSameOptions(options: ImportHandlerOptions, scope: IConstruct): void {
    const later = resolveOptions(options);
    const mine = this.options;
    const sameKey = (a?: kms.IKey, b?: kms.IKey) => a === b || (!!a && !!b && a.keyArn === b.keyArn);
    const sameVpc = (a?: ec2.IVpc, b?: ec2.IVpc) => a === b || (!!a && !!b && a.vpcId === b.vpcId);
    const subnetIds = (o: ResolvedOptions) => (o.vpc && o.vpcSubnets ? o.vpc.selectSubnets(o.vpcSubnets).subnetIds.slice().sort() : undefined);
    const groupIds = (o: ResolvedOptions) => o.securityGroups?.map((g) => g.securityGroupId).sort();
    const checks: Array<[keyof ImportHandlerOptions, boolean]> = [
      ['vpc', options.vpc === undefined || sameVpc(later.vpc, mine.vpc)],
      ['vpcSubnets', options.vpcSubnets === undefined || sameList(subnetIds(later), subnetIds(mine))],
      ['securityGroups', options.securityGroups === undefined || sameList(groupIds(later), groupIds(mine))],
      ['logRetention', options.logRetention === undefined || later.logRetention === mine.logRetention],
      ['logEncryptionKey', options.logEncryptionKey === undefined || sameKey(later.logEncryptionKey, mine.logEncryptionKey)],
      ['reservedConcurrentExecutions', options.reservedConcurrentExecutions === undefined || later.reservedConcurrentExecutions === mine.reservedConcurrentExecutions],
      ['environmentEncryption', options.environmentEncryption === undefined || sameKey(later.environmentEncryption, mine.environmentEncryption)],
    ];
    const differing = checks.filter(([, same]) => !same).map(([name]) => `handler.${name}`);
    if (differing.length > 0) {
      throw new Error(`${differing.join(', ')} of ${scope.node.path} differ${differing.length === 1 ? 's' : ''} from the handler options of ${this.createdBy}, ` +
        `the first import of stack ${Stack.of(this).stackName}. The imports of a stack share one handler: give them all the same handler options, or set them on the first import only.`);
    }
  }
}

/** {@link ImportHandlerOptions} after validation, with the defaults filled in. */
interface ResolvedOptions extends ImportHandlerOptions {
  readonly logRetention: logs.RetentionDays;
}

function resolveOptions(options: ImportHandlerOptions): ResolvedOptions {
  if (!options.vpc) {
    for (const name of ['vpcSubnets', 'securityGroups'] as const) {
      if (options[name] !== undefined) throw new Error(`handler.${name} requires handler.vpc; set the VPC the import functions run in, or leave ${name} out`);
    }
  }
  if (options.securityGroups !== undefined && options.securityGroups.length === 0) {
    throw new Error('handler.securityGroups must not be empty; leave it out to get one security group allowing outbound HTTPS');
  }
  const reserved = options.reservedConcurrentExecutions;
  if (reserved !== undefined && !Token.isUnresolved(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
    throw new Error(`handler.reservedConcurrentExecutions must be a whole number of at least 1, got ${reserved}`);
  }
  return { ...options, logRetention: options.logRetention ?? logs.RetentionDays.ONE_YEAR };
}

function sameList(a?: string[], b?: string[]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The deploy-time functions only call AWS APIs over HTTPS. */
function functionSecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.ISecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: 'cdk-eventdatastore-import deploy-time functions: outbound HTTPS to AWS APIs only',
    allowAllOutbound: false,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (directly, through a NAT gateway or through VPC endpoints)');
  return group;
}

/** What Lambda needs to attach a function to a VPC (AWSLambdaVPCAccessExecutionRole, as a customer managed policy). */
function vpcAccessStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: VPC_ACCESS.actions, resources: ['*'] });
}

/** A key policy statement for a key in the app: CloudWatch Logs encrypts the stack's log groups with it. */
const logKeysAllowed = new WeakSet<object>();
function allowCloudWatchLogsToUseKey(key: kms.IKey): void {
  if (logKeysAllowed.has(key)) return;
  logKeysAllowed.add(key);
  const stack = Stack.of(key);
  // Imported keys ignore this (their policy is the user's to change).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForEventDataStoreImportFunctions',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
}

/**
 * The provider framework's waiter state machine, beyond what the Provider construct offers: its
 * role's inline policy becomes a managed policy (NIST.800.53.R5-IAMNoInlinePolicy), and it is traced
 * with X-Ray (AwsSolutions-SF2, Control Tower CT.STEPFUNCTIONS.PR.2). If a version of aws-cdk-lib
 * builds the framework differently, the state machine is left as it is.
 */
function hardenWaiterStateMachine(provider: cr.Provider): iam.ManagedPolicy | undefined {
  const stateMachine = provider.node.findAll().find((c): c is sfn.CfnStateMachine => c instanceof sfn.CfnStateMachine);
  const waiter = stateMachine?.node.scope;
  const role = waiter?.node.children.find((c): c is iam.Role => c instanceof iam.Role);
  const inline = role?.node.tryFindChild('DefaultPolicy');
  if (!stateMachine || !role || !(inline instanceof iam.Policy)) return undefined;

  // Same document object: whatever aws-cdk-lib adds to the role later still lands in it. The state
  // machine depends on the role, and so on this policy, which is the role's child.
  const managed = new iam.ManagedPolicy(role, 'ManagedPolicy', {
    description: 'cdk-eventdatastore-import: provider framework waiter state machine',
    document: inline.document,
    roles: [role],
  });
  role.node.tryRemoveChild(inline.node.id);

  stateMachine.tracingConfiguration = { enabled: true };
  managed.addStatements(new iam.PolicyStatement({ actions: XRAY.actions, resources: ['*'] }));
  acknowledgeWildcards(managed.node.defaultChild as iam.CfnManagedPolicy, [INVOKE_VERSIONS, STATE_MACHINE_LOG_DELIVERY, XRAY]);
  return managed;
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
    this.policy.addStatements(new iam.PolicyStatement({ actions: PUT_RESOURCE_POLICY.actions, resources: ['*'] }));
    acknowledgeWildcards(this.policy.node.defaultChild as iam.CfnManagedPolicy, [PUT_RESOURCE_POLICY, DESTINATION_LOG_STREAMS, STORE_KEY_ALIAS]);
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
  /** The latest statement of each shape (actions, conditions), to merge resources into. */
  private readonly byShape = new Map<string, { chunk: { policy: iam.ManagedPolicy; size: number }; statement: iam.PolicyStatement }>();

  /**
   * @param justifications the wildcards the statements may need (acknowledged for cdk-nag when a
   * statement has them)
   */
  constructor(scope: Construct, id: string, private readonly role: iam.IRole, private readonly justifications: WildcardJustification[]) {
    super(scope, id);
  }

  /** Adds the statement, or its resources to an earlier statement with the same actions and conditions. */
  public add(_key: string, statement: iam.PolicyStatement): void {
    const shape = JSON.stringify({ ...statement.toStatementJson(), Resource: undefined });
    const similar = this.byShape.get(shape);
    const extra = resourcesSize(statement.resources);
    if (similar && !similar.statement.frozen && similar.chunk.size + extra <= POLICY_CHARACTER_BUDGET) {
      similar.statement.addResources(...statement.resources);
      similar.chunk.size += extra;
      return;
    }
    const size = estimateSize(statement);
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.size + size > POLICY_CHARACTER_BUDGET) {
      const policy = new iam.ManagedPolicy(this, this.chunks.length === 0 ? 'Default' : `Part${this.chunks.length + 1}`, { roles: [this.role] });
      acknowledgeWildcards(policy.node.defaultChild as iam.CfnManagedPolicy, this.justifications);
      this.dependable.add(policy);
      chunk = { policy, size: 0 };
      this.chunks.push(chunk);
    }
    chunk.policy.addStatements(statement);
    chunk.size += size;
    this.byShape.set(shape, { chunk, statement });
  }
}

function estimateSize(statement: iam.PolicyStatement): number {
  const json = statement.toStatementJson() as { Action?: string | string[]; Condition?: unknown };
  const actions = ([] as string[]).concat(json.Action ?? []).join(',').length;
  return 60 + actions + resourcesSize(statement.resources) + JSON.stringify(json.Condition ?? '').length;
}

/** The resources' size once CloudFormation has resolved them: literal parts as they are, references at their longest. */
function resourcesSize(resources: string[]): number {
  return resources.reduce((total, resource) => total + 3 + (Token.isUnresolved(resource) ? resolvedLength(resource) : resource.length), 0);
}

function resolvedLength(value: string): number {
  // `${Token[...]}` markers stand for references: alone, a whole ARN; inside an ARN, a partition, account or ID.
  const literal = value.replace(/\$\{Token\[[^\]]+\]\}/g, '');
  const references = (value.match(/\$\{Token\[[^\]]+\]\}/g) ?? []).length;
  return literal.length + references * (literal.length > 0 ? REFERENCE_CHARACTERS : ARN_CHARACTERS);
}

/**
 * A role whose statements (including those aws-cdk-lib adds, such as the provider framework's
 * grants) go to one managed policy instead of an inline default policy. The policy is the role's
 * child, so whatever depends on the role (a function using it) also waits for the policy.
 */
class RoleWithManagedPolicy extends iam.Role {
  private policy?: iam.ManagedPolicy;

  public get managedPolicy(): iam.ManagedPolicy {
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this] });
    }
    return this.policy;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
