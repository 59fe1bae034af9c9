import { ArnFormat, CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BoundImportSource, ImportSource } from './import-source';
import { ImportTimeRange } from './import-time-range';
import { checkOverlaps, checkSameEnvironment, checkTimeRange, countImportsInEnvironment, parseEventDataStoreArn, warn, warnOutsideRetention } from './validation';
import { destinationLogGroupName, ImportResourceProperties, MAX_RESOURCE_SECONDS, REPORTING_MARGIN_SECONDS, RESOURCE_TYPE } from '../orchestrator/contract';
import { DEFAULT_POLL_INTERVAL, Orchestrator } from '../orchestrator/orchestrator';
import { ImportHandlerOptions } from '../orchestrator/orchestrator-options';

/** Properties of an `EventDataStoreImport`. */
export interface EventDataStoreImportProps {
  /** The event data store to import. */
  readonly source: ImportSource;

  /**
   * Which events to import, by event time.
   *
   * @default - no time filter: everything in the store's retention period
   */
  readonly timeRange?: ImportTimeRange;

  /**
   * The role CloudWatch Logs uses to read the store. It must trust `cloudtrail.amazonaws.com` and
   * allow `cloudtrail:GetEventDataStoreData` on the store, `logs:CreateLogGroup` and
   * `logs:CreateLogStream` on the destination log group, `logs:PutResourcePolicy`, and
   * `kms:Decrypt` / `kms:GenerateDataKey` on the store's customer managed key, if any.
   * The construct does not change a role you bring. Changing the role later keeps the import.
   *
   * @default - the store's own import role (one per event data store), allowed exactly that store
   */
  readonly role?: iam.IRole;

  /**
   * What deleting the resource (or the stack) does to the import.
   *
   * - `RETAIN`: an import that has started goes on (or stays finished), and its log group and data
   *   stay. One still queued is withdrawn: nothing was imported.
   * - `DESTROY`: cancels the import if it is still running, and deletes the destination log group
   *   if no other import (of any status, from anywhere in the account) wrote to it.
   *
   * Either way, a delete during a rollback, or of a resource CloudFormation gave up on, cancels what
   * the resource started and deletes no data.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Keep the deployment waiting until the import has COMPLETED (queue included), and fail it with
   * the import's and its failed batches' messages if the import fails.
   * Without it, the resource is complete as soon as the import is durably scheduled: any number of
   * imports deploy at once, and drain through the account's 3 import slots after the deployment.
   *
   * @default false
   */
  readonly waitForCompletion?: boolean;

  /**
   * With `waitForCompletion`: how long the deployment waits, in total, for a free import slot and
   * then for the import to finish. At most 55 minutes (CloudFormation waits an hour at most for a
   * custom resource, and the orchestrator keeps the rest to answer).
   *
   * @default Duration.minutes(50)
   */
  readonly completionTimeout?: Duration;

  /**
   * An SNS topic told when the import ends (completed, failed or cancelled), with the store, the
   * window, the bytes imported and the failure's messages. The same news always goes to the default
   * EventBridge bus (source `cdk-eventdatastore-import`).
   *
   * @default - EventBridge only
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * How the stack's deploy-time orchestrator runs (VPC, logs, KMS keys, reserved concurrency, poll
   * interval), for organisations whose rules demand it. The imports of a stack share one
   * orchestrator: the first import sets these options, later imports leave them out or repeat them.
   *
   * @default - outside any VPC, logs kept a year and encrypted by CloudWatch Logs, no reserved concurrency, a look every 5 minutes
   */
  readonly handler?: ImportHandlerOptions;
}

const MAX_TIMEOUT = Duration.seconds(MAX_RESOURCE_SECONDS - REPORTING_MARGIN_SECONDS);
/** Without waiting, the function answers within one invocation (at most 6 minutes, with its IAM retries). */
const ANSWER_SECONDS = 600;

/**
 * Imports a CloudTrail Lake event data store's events into CloudWatch Logs, once (the CloudWatch
 * Logs `CreateImportTask` API).
 *
 * The import writes into a log group that CloudWatch Logs creates and manages (Infrequent Access
 * class). The construct provisions the store's import role (trusting `cloudtrail.amazonaws.com`,
 * allowed exactly the store, its log group and its key), and the stack's orchestrator, shared by its
 * imports: a ledger of owner records, a Step Functions state machine that queues, creates and
 * watches each import, and the one function that answers CloudFormation.
 *
 * @resource Custom::EventDataStoreImport
 */
export class EventDataStoreImport extends Construct {
  /**
   * The owner record of the import in the stack's ledger (the custom resource's physical ID, and
   * the name of the state machine execution that runs the import). Resolves at deploy time.
   */
  public readonly importRecordId: string;

  /**
   * ARN of the log group the import writes to, `aws/cloudtrail/<store id>` as the API reference
   * names it. Known at synth time (the orchestrator records a mismatch with what CreateImportTask
   * returns, and `status` shows it).
   */
  public readonly destinationLogGroupArn: string;

  /** Name of the log group the import writes to: `aws/cloudtrail/<store id>`. Known at synth time. */
  public readonly destinationLogGroupName: string;

  /**
   * The destination log group, for grants, metric filters and subscriptions. It is in the stack's
   * account and region, so grants are identity-based (no account-level resource policy).
   * CloudWatch Logs creates it when the import starts: whatever names it may come before that.
   */
  public readonly destinationLogGroup: logs.ILogGroup;

  /** The role CloudWatch Logs uses to read the store. */
  public readonly importRole: iam.IRole;

  /** The ARN of the event data store imported. */
  public readonly eventDataStoreArn: string;

  private readonly resource: CustomResource;
  private readonly waits: boolean;
  private readonly orchestrator: Orchestrator;
  private readonly storePartition?: string;
  private readonly storeRegion?: string;
  private readonly storeAccount?: string;
  private readonly retention: Pick<BoundImportSource, 'retentionDays' | 'retentionOrigin'>;
  private endsAtCutover = false;

  constructor(scope: Construct, id: string, props: EventDataStoreImportProps) {
    super(scope, id);

    const stack = Stack.of(this);
    const source = props.source._bind(this);
    const storeArn = parseEventDataStoreArn(source.eventDataStoreArn);
    checkSameEnvironment(this, storeArn);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (removalPolicy !== RemovalPolicy.RETAIN && removalPolicy !== RemovalPolicy.DESTROY) {
      throw new Error(`removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY, got ${removalPolicy}`);
    }
    this.retention = { retentionDays: source.retentionDays, retentionOrigin: source.retentionOrigin };
    const window = props.timeRange?._render() ?? {};
    checkTimeRange(this, window, props.timeRange, source);
    this.waits = props.waitForCompletion ?? false;
    const timeout = this.checkTimeout(props);
    this.checkTimeoutAndPoll(timeout, props.handler?.pollInterval);
    const pollSeconds = (props.handler?.pollInterval ?? DEFAULT_POLL_INTERVAL).toSeconds();
    this.eventDataStoreArn = source.eventDataStoreArn;

    this.destinationLogGroupName = destinationLogGroupName(storeArn.id);
    // The store's own partition, when its ARN is literal: literal ARNs keep the template small.
    const logGroupArn = (name: string) => stack.formatArn({
      partition: storeArn.partition, service: 'logs', region: storeArn.region, account: storeArn.account, resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // A literal store ARN in a stack of known account and region gives a literal log group ARN
    // (readable findings and outputs); otherwise the stack's own, whose grants stay identity-based too.
    const literal = storeArn.partition !== undefined && !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
    this.destinationLogGroupArn = literal
      ? `arn:${storeArn.partition}:logs:${storeArn.region}:${storeArn.account}:log-group:${this.destinationLogGroupName}`
      : logGroupArn(this.destinationLogGroupName);
    this.destinationLogGroup = literal
      ? logs.LogGroup.fromLogGroupArn(this, 'DestinationLogGroup', `${this.destinationLogGroupArn}:*`)
      : logs.LogGroup.fromLogGroupName(this, 'DestinationLogGroup', this.destinationLogGroupName);

    const orchestrator = Orchestrator.of(this, props.handler);
    this.orchestrator = orchestrator;
    this.storePartition = storeArn.partition;
    this.storeRegion = storeArn.region;
    this.storeAccount = storeArn.account;
    let importRoleDependency: Construct | undefined;
    if (props.role) {
      this.importRole = props.role;
      orchestrator.allowPassRole(props.role);
    } else {
      // Which spelling CloudWatch Logs creates is not documented consistently (FACTS.md): allow both.
      const destinationLogGroupArns = [this.destinationLogGroupName, `/${this.destinationLogGroupName}`].map(logGroupArn);
      const own = orchestrator.importRoleFor({ ...source, destinationLogGroupArns });
      this.importRole = own.role;
      importRoleDependency = own.policy;
    }
    orchestrator.allowReadSource(source.eventDataStoreArn, source.keyPermissions);
    if (source.keyPermissions?.key) {
      allowCloudTrailToUseKey(source.keyPermissions.key);
    }
    if (source.keyPermissions?.assumption) {
      warn(this, 'kmsKeyIdToken', source.keyPermissions.assumption);
    }
    if (props.notificationTopic) orchestrator.allowPublish(props.notificationTopic);
    if (removalPolicy === RemovalPolicy.DESTROY) {
      orchestrator.allowDeleteLogGroup(source.eventDataStoreArn, storeArn.id, storeArn);
    }

    const properties: ImportResourceProperties = {
      ImportSourceArn: source.eventDataStoreArn,
      ImportRoleArn: this.importRole.roleArn,
      StartEventTime: renderNumber(window.startEventTime),
      EndEventTime: renderNumber(window.endEventTime),
      LookbackMillis: renderNumber(window.lookbackMillis),
      WaitForCompletion: String(this.waits),
      TimeoutSeconds: this.waits ? String(timeout.toSeconds()) : undefined,
      RemovalPolicy: removalPolicy,
      NotificationTopicArn: props.notificationTopic?.topicArn,
      LedgerTableName: orchestrator.ledger.tableName,
      StateMachineArn: orchestrator.stateMachine.stateMachineArn,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: orchestrator.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties,
      // Waiting: a little longer than the orchestrator waits. Not waiting: one invocation of the function answers.
      serviceTimeout: Duration.seconds(this.waits
        ? Math.min(MAX_RESOURCE_SECONDS, timeout.toSeconds() + pollSeconds + REPORTING_MARGIN_SECONDS)
        : ANSWER_SECONDS),
    });

    // Permissions, ledger and state machine first, and (aws-cdk issue 9840) still there when CloudFormation deletes the resource.
    this.resource.node.addDependency(orchestrator.dependable);
    if (importRoleDependency) this.resource.node.addDependency(importRoleDependency);
    this.importRecordId = this.resource.ref;

    countImportsInEnvironment(this);
    checkOverlaps(this, source.eventDataStoreArn, window);
  }

  /**
   * When ongoing ingestion demonstrably started (ISO 8601): for the import of a
   * `CloudTrailLakeMigration`, whose window ends there (plus the overlap). Known at deploy time only
   * with `waitForCompletion` (otherwise: `status`, or the import's EventBridge event).
   */
  public get cutoverTime(): string {
    this.checkCutover('cutoverTime');
    return this.waitedFor('cutoverTime', 'CutoverTime');
  }

  /** Where the window of a `CloudTrailLakeMigration`'s import ends (ISO 8601): the cutover plus the overlap. Known at deploy time only with `waitForCompletion`. */
  public get importEndTime(): string {
    this.checkCutover('importEndTime');
    return this.waitedFor('importEndTime', 'ImportEndTime');
  }

  /**
   * Ends the window where ongoing ingestion demonstrably starts, measured at deploy time: the latest
   * first event of the log groups, plus the overlap. Used by CloudTrailLakeMigration.
   * @internal
   */
  public _endAtCutover(cutover: {
    readonly startEventTime?: number;
    readonly logGroupNames: string[];
    readonly overlap: Duration;
    readonly timeout: Duration;
    /** Other regions measured, for a multi-region store. */
    readonly regions?: string[];
    /** An organisation store's member accounts, read through their reader role. */
    readonly memberAccounts?: { readonly accountIds: string[]; readonly roleName: string };
  }): void {
    const resource = this.resource.node.defaultChild as CfnResource;
    if (cutover.startEventTime !== undefined) {
      warnOutsideRetention(this, 'historyStart', cutover.startEventTime, this.retention,
        'move historyStart later, or leave it out to import everything the store keeps');
      resource.addPropertyOverride('StartEventTime', renderNumber(cutover.startEventTime));
    }
    resource.addPropertyOverride('CutoverLogGroupNames', cutover.logGroupNames.join(','));
    resource.addPropertyOverride('CutoverOverlapSeconds', String(cutover.overlap.toSeconds()));
    resource.addPropertyOverride('CutoverTimeoutSeconds', String(cutover.timeout.toSeconds()));
    const ongoingAt = (region: string | undefined) => ({ partition: this.storePartition, region, account: this.storeAccount });
    this.orchestrator.allowReadOngoingEvents(cutover.logGroupNames, ongoingAt(this.storeRegion));
    if (cutover.regions && cutover.regions.length > 0) {
      resource.addPropertyOverride('CutoverRegions', cutover.regions.join(','));
      for (const region of cutover.regions) this.orchestrator.allowReadOngoingEvents(cutover.logGroupNames, ongoingAt(region));
    }
    if (cutover.memberAccounts) {
      resource.addPropertyOverride('CutoverMemberAccounts', cutover.memberAccounts.accountIds.join(','));
      resource.addPropertyOverride('CutoverMemberRoleName', cutover.memberAccounts.roleName);
      this.orchestrator.allowAssumeMemberReaders(cutover.memberAccounts.accountIds, cutover.memberAccounts.roleName);
    }
    this.endsAtCutover = true;
  }

  /**
   * Stops the store's Lake ingestion `parallelRun` after the cutover, once the import has COMPLETED
   * and ongoing events arrive. Used by CloudTrailLakeMigration.
   * @internal
   */
  public _stopIngestionAfter(parallelRun: Duration): void {
    if (!this.endsAtCutover) throw new Error('the stop of Lake ingestion needs the cutover: call _endAtCutover first');
    (this.resource.node.defaultChild as CfnResource).addPropertyOverride('StopIngestionAfterSeconds', String(parallelRun.toSeconds()));
    this.orchestrator.allowStopIngestion(this.eventDataStoreArn);
  }

  private checkCutover(name: string): void {
    if (!this.endsAtCutover) throw new Error(`${name} of ${this.node.path} exists only for the import of a CloudTrailLakeMigration, whose window ends at the measured cutover`);
  }

  /** The import's ID, as CloudWatch Logs assigned it. Known at deploy time only with `waitForCompletion` (otherwise: `status`, or the ledger). */
  public get importId(): string {
    return this.waitedFor('importId', 'ImportId');
  }

  /** When the import was created (ISO 8601). Known at deploy time only with `waitForCompletion`. */
  public get creationTime(): string {
    return this.waitedFor('creationTime', 'CreationTime');
  }

  /** Bytes imported in all (the import has completed). Known at deploy time only with `waitForCompletion`. */
  public get bytesImported(): string {
    return this.waitedFor('bytesImported', 'BytesImported');
  }

  /** An attribute of the import itself exists when the deployment waited for it, and only then. */
  private waitedFor(name: string, attribute: string): string {
    if (!this.waits) {
      throw new Error(`${name} of ${this.node.path} is known at deploy time only with waitForCompletion: true; without it the resource completes ` +
        'when the import is scheduled, before CloudWatch Logs assigns it. Use importRecordId, or `npx cdk-eventdatastore-import status`.');
    }
    return this.resource.getAttString(attribute);
  }

  /** The deadline is checked once per poll: the answer may come one poll late, and must still come before CloudFormation's hour. */
  private checkTimeoutAndPoll(timeout: Duration, pollInterval?: Duration): void {
    const poll = pollInterval ?? DEFAULT_POLL_INTERVAL;
    if (!this.waits || Token.isUnresolved(timeout.toSeconds()) || Token.isUnresolved(poll.toSeconds())) return;
    if (timeout.toSeconds() + poll.toSeconds() > MAX_TIMEOUT.toSeconds()) {
      throw new Error(`completionTimeout (${timeout.toHumanString()}) plus handler.pollInterval (${poll.toHumanString()}) must be at most ${MAX_TIMEOUT.toMinutes()} minutes: ` +
        'the orchestrator looks at the deadline once per poll, and must answer before CloudFormation\'s hour ends. Shorten one of them.');
    }
  }

  private checkTimeout(props: EventDataStoreImportProps): Duration {
    if (props.completionTimeout && !this.waits) {
      warn(this, 'ignoredTimeout',
        'completionTimeout is ignored without waitForCompletion; set waitForCompletion: true to wait for the import.');
    }
    const timeout = props.completionTimeout ?? Duration.minutes(50);
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 60 || timeout.toSeconds() > MAX_TIMEOUT.toSeconds())) {
      throw new Error(`completionTimeout must be between 1 minute and ${MAX_TIMEOUT.toMinutes()} minutes (CloudFormation waits at most an hour for a custom resource), got ${timeout.toHumanString()}`);
    }
    return timeout;
  }
}

function renderNumber(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Tokens stay tokens (CloudFormation passes every property to the handler as a string).
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}

/** Key policy of an in-app key: CloudTrail decrypts the store for the import (FACTS.md: no SourceArn condition). */
const keysAllowed = new WeakSet<object>();
function allowCloudTrailToUseKey(key: { addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult }): void {
  if (keysAllowed.has(key)) return;
  keysAllowed.add(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudTrailToReadForCloudWatchLogsImport',
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
  }));
  // CloudTrail lists this statement as required for event data store keys: without it, creating the store may fail.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudTrailToDescribeKeyForEventDataStore',
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['kms:DescribeKey'],
    resources: ['*'],
  }));
}

