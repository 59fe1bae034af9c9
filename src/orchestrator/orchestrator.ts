import { createHash } from 'node:crypto';
import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, DependencyGroup, IConstruct, IDependable } from 'constructs';
import { orchestratorDefinition } from './definition';
import { OrchestratorFunction } from './orchestrator-function';
import { ImportHandlerOptions } from './orchestrator-options';
import { KeyPermissions, keyStatement } from '../event-data-store-import/import-source';
import { acknowledgeRule, acknowledgeWildcards, WildcardJustification } from '../shared/compliance';
import { checkStackLimits, policyCharacters } from '../shared/stack-limits';
import { TelemetryEvaluationScope } from '../telemetry-evaluation/contract';

const ORCHESTRATOR_ID = 'cdk-eventdatastore-import.Orchestrator';

/**
 * Managed policies hold at most 6,144 characters (whitespace not counted): a chunk is filled up to
 * this, measured as the limits check measures (references at their longest resolved length).
 */
const POLICY_CHARACTER_BUDGET = 6_000;

/** How often the orchestrator looks at the slots and at a running import, unless set. */
export const DEFAULT_POLL_INTERVAL = Duration.minutes(5);

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
  resource: '.*:log-group:\\*aws/cloudtrail/[^*]+\\*',
  reason: 'Names one destination log group per event data store of a RemovalPolicy.DESTROY import: the leading * covers both spellings of its name '
    + '(aws/cloudtrail/<id> and /aws/cloudtrail/<id>), the trailing * both ARN forms IAM evaluates (name, and name:*), in one resource per store.',
};
const IMPORT_ROLES: WildcardJustification = {
  actions: ['iam:PassRole'],
  resource: 'arn:.*:iam::.*:role/cdk-eventdatastore-import/[0-9A-F]{8}/\\*',
  reason: 'The import roles of this stack, all under an IAM path of their own (one per stack, account and region): one statement for every store '
    + 'instead of one role ARN per store; the roles trust only cloudtrail.amazonaws.com and each is allowed its own store.',
};
const ONGOING_LOG_GROUPS: WildcardJustification = {
  actions: ['logs:FilterLogEvents'],
  // The log groups telemetry rules deliver CloudTrail events to (DELIVERED_CATEGORIES in src/migration/event-selectors.ts).
  resource: '.*:logs:.*:log-group:aws/cloudtrail/(managementevents|dataevents):\\*',
  reason: 'A CloudTrailLakeMigration reads the ongoing CloudTrail log group its telemetry rule writes to (to measure the cutover, and to see events '
    + 'still arrive before Lake ingestion stops): the trailing :* is the log-group ARN form IAM evaluates, as aws-cdk-lib\'s LogGroup grants write it; '
    + 'it names that one log group, no other.',
};
const STORE_KEY_ALIAS: WildcardJustification = {
  actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
  resource: '.*:kms:.*:key/\\*',
  reason: 'The event data store names its KMS key by alias and KMS authorizes by key ARN: the statement allows only the keys that carry that alias (condition kms:ResourceAliases).',
};
const INVOKE_VERSIONS: WildcardJustification = {
  actions: ['lambda:InvokeFunction'],
  resource: '<[A-Za-z0-9]+\\.Arn>:\\*',
  reason: 'Written by aws-cdk-lib for the state machine\'s Lambda tasks (grantInvoke): the orchestrator function and its versions and aliases (function ARN:*), nothing else.',
};
const EXECUTIONS: WildcardJustification = {
  actions: ['states:DescribeExecution', 'states:StopExecution'],
  resource: '.*:execution:<[A-Za-z0-9]+\\.Name>:\\*',
  reason: 'The executions of the stack\'s own orchestrator state machine: their names (one per import request) are chosen at deploy time.',
};
const STATE_MACHINE_LOG_DELIVERY: WildcardJustification = {
  actions: ['logs:CreateLogDelivery', 'logs:CreateLogStream', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries', 'logs:PutLogEvents', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
  resource: '\\*',
  reason: 'Written by aws-cdk-lib for the orchestrator state machine\'s logging: Step Functions log delivery (logs:CreateLogDelivery and related actions) accepts only *.',
};
const XRAY: WildcardJustification = {
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
  resource: '\\*',
  reason: 'X-Ray tracing of the orchestrator state machine: these X-Ray actions have no resource type in IAM, * is the only resource they accept.',
};
const VPC_ACCESS: WildcardJustification = {
  actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
  resource: '\\*',
  reason: 'Lambda\'s network interfaces in the VPC (the actions of AWSLambdaVPCAccessExecutionRole): ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets accept only *, and the interfaces do not exist before Lambda creates them.',
};

const TELEMETRY_EVALUATION_ACTIONS: WildcardJustification = {
  actions: ['observabilityadmin:GetTelemetryEvaluationStatus', 'observabilityadmin:StartTelemetryEvaluation',
    'observabilityadmin:GetTelemetryEvaluationStatusForOrganization', 'observabilityadmin:StartTelemetryEvaluationForOrganization',
    'observabilityadmin:ListTelemetryRules', 'observabilityadmin:ListTelemetryRulesForOrganization'],
  resource: '\\*',
  reason: 'observabilityadmin:GetTelemetryEvaluationStatus, StartTelemetryEvaluation, ListTelemetryRules (the check for conflicting CloudTrail rules) and their ' +
    'ForOrganization variants have no resource type in IAM: * is the only resource they accept.',
};
const ENABLE_TRUSTED_ACCESS: WildcardJustification = {
  actions: ['organizations:EnableAWSServiceAccess'],
  resource: '\\*',
  reason: 'organizations:EnableAWSServiceAccess has no resource type in IAM: * is the only resource it accepts; the condition organizations:ServicePrincipal '
    + 'allows it for CloudWatch telemetry config (observabilityadmin.amazonaws.com) only.',
};
/** The services whose service-linked roles StartTelemetryEvaluation creates. */
const TELEMETRY_SERVICE_NAMES = ['observabilityadmin.amazonaws.com', 'telemetry-enablement.observabilityadmin.amazonaws.com'];
const TELEMETRY_SERVICE_LINKED_ROLES: WildcardJustification = {
  actions: ['iam:CreateServiceLinkedRole'],
  resource: 'arn:.*:iam::.*:role/aws-service-role/(telemetry-enablement\\.)?observabilityadmin\\.amazonaws\\.com/\\*',
  reason: 'StartTelemetryEvaluation creates the service-linked roles of CloudWatch telemetry config, whose names AWS chooses: the wildcard covers only the '
    + 'roles under the two service paths, and the condition iam:AWSServiceName names the same two services.',
};

/**
 * One per stack, however many imports: the ledger (owner records), the orchestrator state machine,
 * the one deploy-time function that is both the custom resources' ServiceToken and the state
 * machine's steps, their roles and policies, and one import role per event data store.
 *
 * Every policy is a managed policy (NIST 800-53 rev 5 rejects inline policies). The few findings of
 * cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs that the library cannot avoid, or that only
 * the user can resolve (through {@link ImportHandlerOptions}), are acknowledged on the one resource
 * concerned, with the reason (see compliance.ts).
 * @internal
 */
export class Orchestrator extends Construct {
  /**
   * The stack's orchestrator, created on first use with `options`. A later call may leave
   * `options` out; every option it sets must match.
   */
  public static of(scope: Construct, options?: ImportHandlerOptions): Orchestrator {
    const stack = Stack.of(scope);
    let orchestrator = stack.node.tryFindChild(ORCHESTRATOR_ID) as Orchestrator | undefined;
    if (!orchestrator) {
      orchestrator = new Orchestrator(stack, ORCHESTRATOR_ID, options ?? {}, scope.node.path);
    } else if (options) {
      orchestrator.checkSameOptions(options, scope);
    }
    return orchestrator;
  }

  /** The deploy-time function's ARN: the custom resources' ServiceToken. */
  public readonly serviceToken: string;
  public readonly ledger: dynamodb.Table;
  public readonly stateMachine: sfn.StateMachine;
  public readonly handlerRole: iam.Role;
  public readonly handlerLogGroup: logs.LogGroup;
  private readonly handlerPolicies: PolicyChunks;
  /** The deploy-time function: it waits for every policy chunk, so a resource that waits for it needs no dependency per chunk. */
  private readonly handler: lambda.IFunction;
  /** The IAM path of the stack's own import roles: iam:PassRole names the path, not each role. */
  private readonly importRolePath: string;
  /** The policies that name the state machine: the function cannot wait for them (a cycle), the resources do. */
  private readonly orchestrationPolicy: iam.ManagedPolicy;
  private readonly importRoles = new Map<string, ImportRole>();
  private readonly granted = new Set<string>();
  /** Created on the first telemetry evaluation only: stacks without one keep their template. */
  private telemetryEvaluationPolicy?: iam.ManagedPolicy;
  private readonly options: ResolvedOptions;
  private readonly createdBy: string;

  private constructor(scope: Construct, id: string, options: ImportHandlerOptions, createdBy: string) {
    super(scope, id);
    this.options = resolveOptions(options);
    this.createdBy = createdBy;
    const stackOf = Stack.of(this);
    // Unique to the stack in its account and region (an environment-agnostic stack: to its name).
    this.importRolePath = `/cdk-eventdatastore-import/${shortHash(JSON.stringify(stackOf.resolve([stackOf.stackName, stackOf.account, stackOf.region])))}/`;
    checkStackLimits(this);
    const { vpc, vpcSubnets, logRetention, logEncryptionKey, reservedConcurrentExecutions, environmentEncryption } = this.options;
    const { ledgerEncryptionKey } = this.options;
    if (logEncryptionKey) allowCloudWatchLogsToUseKey(logEncryptionKey);
    const logGroupProps: logs.LogGroupProps = { retention: logRetention, encryptionKey: logEncryptionKey };
    const securityGroups = vpc && !this.options.securityGroups ? [functionSecurityGroup(this, vpc)] : this.options.securityGroups;

    // The ledger outlives the stack: it is the history of what was imported, and who owned it.
    this.ledger = new dynamodb.Table(this, 'Ledger', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: ledgerEncryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: ledgerEncryptionKey,
    });
    acknowledgeRule(this.ledger.node.defaultChild as dynamodb.CfnTable, 'NIST.800.53.R5-DynamoDBInBackupPlan',
      'The ledger has point-in-time recovery and is retained when the stack is deleted; add it to your AWS Backup plan if your rules demand one.');

    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cdk-eventdatastore-import: answers CloudFormation and runs the orchestrator\'s steps (CloudWatch Logs imports from CloudTrail Lake)',
    });
    this.handlerLogGroup = new logs.LogGroup(this, 'HandlerLogs', logGroupProps);
    this.handlerPolicies = new PolicyChunks(this, 'HandlerPolicy', this.handlerRole,
      [IMPORT_ACTIONS, IMPORT_ROLES, STORE_KEY_ALIAS, DELETE_LOG_GROUP, ...(vpc ? [VPC_ACCESS] : [])]);
    // The four import actions have no resource type: `*` is the only resource they accept.
    this.handlerPolicies.add(new iam.PolicyStatement({ actions: IMPORT_ACTIONS.actions, resources: ['*'] }));
    this.handlerPolicies.add(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.handlerLogGroup.logGroupArn] }));
    this.handlerPolicies.add(new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
      resources: [this.ledger.tableArn],
    }));
    const stack = Stack.of(this);
    // The function names the stack by its ID (the event's StackId): the policy names exactly that stack, no wildcard.
    this.handlerPolicies.add(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
      resources: [stack.stackId],
    }));
    if (vpc) this.handlerPolicies.add(vpcAccessStatement());
    if (ledgerEncryptionKey) {
      // The KMS operations DynamoDB calls on the caller's behalf, named exactly (no action wildcard, AwsSolutions-IAM5).
      this.handlerPolicies.add(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [ledgerEncryptionKey.keyArn] }));
    }

    const handler = new OrchestratorFunction(this, 'Handler', {
      role: this.handlerRole,
      logGroup: this.handlerLogGroup,
      memorySize: 256,
      // IAM-propagation retries take up to four minutes; leave room to answer.
      timeout: Duration.minutes(6),
      description: 'cdk-eventdatastore-import: the custom resources\' ServiceToken and the orchestrator\'s steps',
      vpc,
      vpcSubnets,
      securityGroups,
      reservedConcurrentExecutions,
      environmentEncryption,
    });
    handler.node.addDependency(this.handlerPolicies.dependable);
    this.handler = handler;
    const cfnHandler = handler.node.defaultChild as lambda.CfnFunction;
    acknowledgeRule(cfnHandler, 'AwsSolutions-L1',
      'The orchestrator function runs on the Node.js runtime its bundle is built and tested for, pinned by each release of cdk-eventdatastore-import; newer runtimes come with library updates.');
    acknowledgeRule(cfnHandler, 'NIST.800.53.R5-LambdaDLQ', 'CloudFormation invokes the function asynchronously and waits for its answer, which the function always sends (a lost one ends in the resource\'s service timeout); '
      + 'the state machine invokes it synchronously with retries and a catch, where a dead-letter queue never applies.');
    if (!vpc) acknowledgeRule(cfnHandler, 'NIST.800.53.R5-LambdaInsideVPC', 'Deploy-time function that only calls AWS APIs; set the import\'s handler.vpc to run it in a VPC.');
    if (reservedConcurrentExecutions === undefined) {
      acknowledgeRule(cfnHandler, 'NIST.800.53.R5-LambdaConcurrency', 'Deploy-time function run a few times per import; reserving concurrency fails in accounts with a low concurrency quota, so it is opt-in: set the import\'s handler.reservedConcurrentExecutions.');
    }

    // The state machine: logs everything but the data, traced with X-Ray, its grants in a managed policy.
    const machineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      ...logGroupProps,
      // Under /aws/vendedlogs/ Step Functions needs no log group resource policy entry per log group.
      logGroupName: `/aws/vendedlogs/states/cdk-eventdatastore-import-${handler.functionName}`,
    });
    const machineRole = new RoleWithManagedPolicy(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'cdk-eventdatastore-import: the orchestrator state machine',
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(orchestratorDefinition(this, { handler, pollInterval: this.options.pollInterval })),
      role: machineRole,
      tracingEnabled: true,
      logs: { destination: machineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'cdk-eventdatastore-import: one execution per import request (waits for a slot, creates the import once, watches it to its end)',
    });
    machineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: XRAY.actions, resources: ['*'] }));
    acknowledgeWildcards(machineRole.managedPolicy.node.defaultChild as iam.CfnManagedPolicy, [INVOKE_VERSIONS, STATE_MACHINE_LOG_DELIVERY, XRAY]);

    this.orchestrationPolicy = new iam.ManagedPolicy(this, 'OrchestrationPolicy', {
      description: 'cdk-eventdatastore-import: start, watch and stop the orchestrator\'s executions',
      roles: [this.handlerRole],
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }),
        new iam.PolicyStatement({
          actions: EXECUTIONS.actions,
          resources: [stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${this.stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
      ],
    });
    acknowledgeWildcards(this.orchestrationPolicy.node.defaultChild as iam.CfnManagedPolicy, [EXECUTIONS]);
    this.serviceToken = handler.functionArn;

    if (!logEncryptionKey) {
      for (const logGroup of [this.handlerLogGroup, machineLogs]) {
        acknowledgeRule(logGroup.node.defaultChild as logs.CfnLogGroup, 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
          'Logs of the deploy-time function and state machine, encrypted by CloudWatch Logs; set the import\'s handler.logEncryptionKey to use a customer managed key.');
      }
    }
  }

  /**
   * Everything a custom resource must wait for before it runs, and that must outlive it. The
   * function stands for its policy chunks (it depends on each of them): one dependency per
   * resource, not one per chunk, so the template grows linearly with the imports.
   */
  public get dependable(): IDependable {
    return new DependencyGroup(this.handler, this.orchestrationPolicy, this.stateMachine, this.ledger);
  }

  /**
   * The store's import role: one per event data store, named after the store (not after the
   * order of the imports), so that adding or removing other imports never moves a store to another
   * role. It trusts only cloudtrail.amazonaws.com and is allowed exactly that store, its log group
   * and its key.
   */
  public importRoleFor(source: ImportRoleSource): ImportRole {
    const key = JSON.stringify(Stack.of(this).resolve(source.eventDataStoreArn));
    let role = this.importRoles.get(key);
    if (!role) {
      role = new ImportRole(this, `ImportRole${shortHash(key)}`, source, this.importRolePath);
      this.importRoles.set(key, role);
      this.allowPassImportRoles();
    }
    return role;
  }

  /** iam:PassRole on the stack's own import roles: their path, one statement however many stores. */
  private allowPassImportRoles(): void {
    const roles = Stack.of(this).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${this.importRolePath.slice(1)}*` });
    this.addOnce('pass:import-roles', passRoleStatement(roles));
  }

  /** iam:PassRole on a role the user brings (see {@link passRoleStatement}), by its ARN. */
  public allowPassRole(role: iam.IRole): void {
    this.addOnce(`pass:${role.roleArn}`, passRoleStatement(role.roleArn));
  }

  /** The caller of CreateImportTask must itself be able to read the source (and its key); GetEventDataStore checks its retention. */
  public allowReadSource(eventDataStoreArn: string, keyPermissions?: KeyPermissions): void {
    this.addOnce(`read:${eventDataStoreArn}`, new iam.PolicyStatement({
      actions: ['cloudtrail:GetEventDataStoreData', 'cloudtrail:GetEventDataStore'],
      resources: [eventDataStoreArn],
    }));
    if (keyPermissions) {
      this.addOnce(`key:${keyPermissions.resources.join(',')}`, keyStatement(keyPermissions));
    }
  }

  /** Under RemovalPolicy.DESTROY: logs:DeleteLogGroup on the store's destination log group, and nothing else. */
  public allowDeleteLogGroup(eventDataStoreArn: string, eventDataStoreId: string, where: StoreEnvironment): void {
    // One pattern for both spellings of the name (`aws/cloudtrail/<id>`, `/aws/cloudtrail/<id>`) and both
    // ARN forms (`<name>`, `<name>:*`): one resource per store keeps DESTROY within the policy quotas
    // up to CloudFormation's 500 resources. Store IDs have a fixed length, so `<id>*` adds only names that extend it.
    const logGroup = Stack.of(this).formatArn({
      partition: where.partition, region: where.region, account: where.account, service: 'logs', resource: 'log-group', resourceName: `*aws/cloudtrail/${eventDataStoreId}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.addOnce(`destroy:${eventDataStoreArn}`, new iam.PolicyStatement({ actions: DELETE_LOG_GROUP.actions, resources: [logGroup] }));
  }

  /**
   * What the function needs to see telemetry evaluation RUNNING for the scope, starting it when it
   * is not: read and start (no resource type in IAM: `*`), and create the service-linked roles that
   * Start creates, for those two services only. In a managed policy of its own, made on first use.
   * @returns the policy, for the custom resource to depend on (aws-cdk issue 9840)
   */
  public allowTelemetryEvaluation(scope: TelemetryEvaluationScope): IDependable {
    if (!this.telemetryEvaluationPolicy) {
      this.telemetryEvaluationPolicy = new iam.ManagedPolicy(this, 'TelemetryEvaluationPolicy', {
        description: 'cdk-eventdatastore-import: see CloudWatch telemetry evaluation running, and start it',
        roles: [this.handlerRole],
      });
      const stack = Stack.of(this);
      this.telemetryEvaluationPolicy.addStatements(new iam.PolicyStatement({
        sid: 'CreateTelemetryServiceLinkedRoles',
        actions: TELEMETRY_SERVICE_LINKED_ROLES.actions,
        resources: TELEMETRY_SERVICE_NAMES.map((service) =>
          stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `aws-service-role/${service}/*` })),
        conditions: { StringEquals: { 'iam:AWSServiceName': TELEMETRY_SERVICE_NAMES } },
      }));
      acknowledgeWildcards(this.telemetryEvaluationPolicy.node.defaultChild as iam.CfnManagedPolicy,
        [TELEMETRY_EVALUATION_ACTIONS, TELEMETRY_SERVICE_LINKED_ROLES, ENABLE_TRUSTED_ACCESS]);
    }
    if (!this.granted.has(`telemetry:${scope}`)) {
      this.granted.add(`telemetry:${scope}`);
      const suffix = scope === 'ORGANIZATION' ? 'ForOrganization' : '';
      this.telemetryEvaluationPolicy.addStatements(new iam.PolicyStatement({
        sid: `TelemetryEvaluation${suffix || 'Account'}`,
        actions: [`observabilityadmin:GetTelemetryEvaluationStatus${suffix}`, `observabilityadmin:StartTelemetryEvaluation${suffix}`,
          `observabilityadmin:ListTelemetryRules${suffix}`],
        resources: ['*'],
      }));
      if (scope === 'ORGANIZATION') {
        // Starting the organisation's evaluation enables trusted access when it is not on yet, and is
        // denied (AccessDenied) without this; for CloudWatch telemetry config only.
        this.telemetryEvaluationPolicy.addStatements(new iam.PolicyStatement({
          sid: 'EnableTrustedAccessForTelemetryConfig',
          actions: ENABLE_TRUSTED_ACCESS.actions,
          resources: ['*'],
          conditions: { StringEquals: { 'organizations:ServicePrincipal': TELEMETRY_SERVICE_NAMES[0] } },
        }));
      }
    }
    return this.telemetryEvaluationPolicy;
  }

  /** The function tells the import's topic when the import ends. */
  /** A migration's cutover and ingestion stop read the log groups its telemetry rule writes to. */
  public allowReadOngoingEvents(logGroupNames: string[], where: StoreEnvironment): void {
    // Only a migration's stacks carry this acknowledgement (an import's templates stay as they are).
    this.handlerPolicies.justify(ONGOING_LOG_GROUPS);
    for (const name of logGroupNames) {
      const logGroup = Stack.of(this).formatArn({ partition: where.partition, region: where.region, account: where.account, service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      this.addOnce(`ongoing:${logGroup}`, new iam.PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: [logGroup, `${logGroup}:*`] }));
    }
  }

  /** An organisation store's cutover and stop read each member account's groups through its MemberDeliveryReader role. */
  public allowAssumeMemberReaders(accountIds: string[], roleName: string): void {
    const roles = accountIds.map((account) => Stack.of(this).formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: roleName }));
    const fresh = roles.filter((arn) => !this.granted.has(`member-reader:${arn}`));
    if (fresh.length === 0) return;
    fresh.forEach((arn) => this.granted.add(`member-reader:${arn}`));
    this.handlerPolicies.add(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: fresh }));
  }

  /** A migration stops the store's Lake ingestion after the parallel run (never deletes the store). */
  public allowStopIngestion(eventDataStoreArn: string): void {
    this.addOnce(`stop:${eventDataStoreArn}`, new iam.PolicyStatement({ actions: ['cloudtrail:StopEventDataStoreIngestion'], resources: [eventDataStoreArn] }));
  }

  public allowPublish(topic: sns.ITopic): void {
    this.addOnce(`publish:${topic.topicArn}`, new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    // What SNS calls on the publisher's behalf for an encrypted topic, named exactly (no action wildcard, AwsSolutions-IAM5).
    if (topic.masterKey) this.addOnce(`topic-key:${topic.masterKey.keyArn}`, new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topic.masterKey.keyArn] }));
  }

  private addOnce(key: string, statement: iam.PolicyStatement): void {
    if (this.granted.has(key)) return;
    this.granted.add(key);
    this.handlerPolicies.add(statement);
  }

  /** A later import's `handler` options must describe the orchestrator that exists. */
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
      ['ledgerEncryptionKey', options.ledgerEncryptionKey === undefined || sameKey(later.ledgerEncryptionKey, mine.ledgerEncryptionKey)],
      ['pollInterval', options.pollInterval === undefined || later.pollInterval.toSeconds() === mine.pollInterval.toSeconds()],
    ];
    const differing = checks.filter(([, same]) => !same).map(([name]) => `handler.${name}`);
    if (differing.length > 0) {
      throw new Error(`${differing.join(', ')} of ${scope.node.path} differ${differing.length === 1 ? 's' : ''} from the handler options of ${this.createdBy}, ` +
        `the first import of stack ${Stack.of(this).stackName}. The imports of a stack share one orchestrator: give them all the same handler options, or set them on the first import only.`);
    }
  }
}

/** Where a store is, as far as its ARN says (undefined parts: the stack's). @internal */
export interface StoreEnvironment {
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
}

/** What an import role is allowed: one store, its log group under both spellings, its key. @internal */
export interface ImportRoleSource {
  readonly eventDataStoreArn: string;
  readonly keyPermissions?: KeyPermissions;
  readonly destinationLogGroupArns: string[];
}

/** An event data store's import role, with one managed policy listing exactly that store. @internal */
export class ImportRole extends Construct {
  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, source: ImportRoleSource, path: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      path,
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: 'Lets CloudWatch Logs import one CloudTrail Lake event data store (CreateImportTask)',
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this.role] });
    // PutResourcePolicy has no resource type: `*` is the only resource it accepts.
    this.policy.addStatements(
      new iam.PolicyStatement({ actions: PUT_RESOURCE_POLICY.actions, resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['cloudtrail:GetEventDataStoreData'], resources: [source.eventDataStoreArn] }),
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream'],
        resources: source.destinationLogGroupArns.flatMap((arn) => [arn, `${arn}:log-stream:*`]),
      }),
    );
    if (source.keyPermissions) this.policy.addStatements(keyStatement(source.keyPermissions));
    acknowledgeWildcards(this.policy.node.defaultChild as iam.CfnManagedPolicy, [PUT_RESOURCE_POLICY, DESTINATION_LOG_STREAMS, STORE_KEY_ALIAS]);
  }
}

/**
 * iam:PassRole for CloudTrail. The condition is `IfExists` and names both services: no AWS page
 * shows which value CreateImportTask passes in iam:PassedToService (or whether it sets the key at
 * all), and a wrong guess would deny every import; the resource stays pinned to the import roles,
 * whose trust policy already admits only CloudTrail.
 */
function passRoleStatement(roles: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'PassImportRole',
    actions: ['iam:PassRole'],
    resources: [roles],
    conditions: { StringEqualsIfExists: { 'iam:PassedToService': ['cloudtrail.amazonaws.com', 'logs.amazonaws.com'] } },
  });
}

/** A stable short name for a store: its construct ID must not depend on declaration order. */
function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8).toUpperCase();
}

/** {@link ImportHandlerOptions} after validation, with the defaults filled in. */
interface ResolvedOptions extends ImportHandlerOptions {
  readonly logRetention: logs.RetentionDays;
  readonly pollInterval: Duration;
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
  const poll = options.pollInterval;
  if (poll && !Token.isUnresolved(poll.toSeconds()) && (poll.toSeconds() < 60 || poll.toSeconds() > 3600)) {
    throw new Error(`handler.pollInterval must be between 1 minute and 1 hour, got ${poll.toHumanString()}`);
  }
  return { ...options, logRetention: options.logRetention ?? logs.RetentionDays.ONE_YEAR, pollInterval: poll ?? DEFAULT_POLL_INTERVAL };
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

  /** A wildcard some statements need only in some stacks: acknowledged on every policy from the first such statement on. */
  public justify(justification: WildcardJustification): void {
    if (this.justifications.includes(justification)) return;
    this.justifications.push(justification);
    for (const { policy } of this.chunks) acknowledgeWildcards(policy.node.defaultChild as iam.CfnManagedPolicy, [justification]);
  }

  /** Adds the statement, or its resources to an earlier statement with the same actions and conditions. */
  public add(statement: iam.PolicyStatement): void {
    const shape = JSON.stringify({ ...statement.toStatementJson(), Resource: undefined });
    const similar = this.byShape.get(shape);
    const size = policyCharacters(this, statement.toStatementJson());
    if (similar && !similar.statement.frozen) {
      // The merged statement's size: its resources grow by this statement's (each with a comma).
      const extra = policyCharacters(this, statement.resources) - 1;
      if (similar.chunk.size + extra <= POLICY_CHARACTER_BUDGET) {
        similar.statement.addResources(...statement.resources);
        similar.chunk.size += extra;
        return;
      }
    }
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.size + size + 1 > POLICY_CHARACTER_BUDGET) {
      const policy = new iam.ManagedPolicy(this, this.chunks.length === 0 ? 'Default' : `Part${this.chunks.length + 1}`, { roles: [this.role] });
      acknowledgeWildcards(policy.node.defaultChild as iam.CfnManagedPolicy, [...this.justifications]);
      this.dependable.add(policy);
      // The document around the statements: {"Statement":[...],"Version":"2012-10-17"}.
      chunk = { policy, size: DOCUMENT_CHARACTERS };
      this.chunks.push(chunk);
    }
    chunk.policy.addStatements(statement);
    chunk.size += size + 1;
    this.byShape.set(shape, { chunk, statement });
  }
}

/** `{"Statement":[],"Version":"2012-10-17"}` */
const DOCUMENT_CHARACTERS = 40;

/**
 * A role whose statements (including those aws-cdk-lib adds, such as the state machine's
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
