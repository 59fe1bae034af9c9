import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ImportResourceProperties, MAX_RESOURCE_SECONDS, REPORTING_MARGIN_SECONDS, RESOURCE_TYPE } from './handler/properties';
import { ImportHandlerOptions } from './handler-options';
import { ImportProvider } from './import-provider';
import { ImportSource } from './import-source';
import { ImportTimeRange } from './import-time-range';
import { checkOverlaps, checkSameEnvironment, checkTimeRange, countImportsInEnvironment, parseEventDataStoreArn, warn } from './validation';


/** Properties of an {@link EventDataStoreImport}. */
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
   * The construct does not change a role you bring.
   *
   * @default - a role shared by the stack's imports, allowed exactly the stores they import
   */
  readonly role?: iam.IRole;

  /**
   * What deleting the resource (or the stack) does to the import.
   *
   * - `RETAIN`: nothing. The import goes on or stays finished, and its log group and data stay.
   * - `DESTROY`: cancels the import if it is still running, and deletes the destination log group
   *   unless another import of the account (running or completed) writes or wrote to it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Keep the deployment waiting until the import has finished, and fail it if the import fails.
   * Without it, the resource is complete as soon as the import has started.
   *
   * @default false
   */
  readonly waitForCompletion?: boolean;

  /**
   * With `waitForCompletion`: how long to wait, in total, for a free import slot and then for the
   * import to finish. At most 55 minutes (CloudFormation waits an hour at most for a custom
   * resource, and the handler keeps the rest to report).
   *
   * @default Duration.minutes(50)
   */
  readonly completionTimeout?: Duration;

  /**
   * Without `waitForCompletion`: how long to wait for a free import slot when the account already
   * runs 3 imports, before failing with the IDs of the running imports. At most 55 minutes.
   *
   * @default Duration.minutes(10)
   */
  readonly slotWaitTimeout?: Duration;

  /**
   * How the stack's deploy-time import handler runs (VPC, logs, KMS keys, reserved concurrency), for
   * organisations whose rules demand it. The imports of a stack share one handler: the first import
   * sets these options, later imports leave them out or repeat them.
   *
   * @default - outside any VPC, logs kept a year and encrypted by CloudWatch Logs, no reserved concurrency
   */
  readonly handler?: ImportHandlerOptions;
}

const MAX_TIMEOUT = Duration.seconds(MAX_RESOURCE_SECONDS - REPORTING_MARGIN_SECONDS);

/**
 * Imports a CloudTrail Lake event data store's events into CloudWatch Logs, once, at deploy time
 * (the CloudWatch Logs `CreateImportTask` API).
 *
 * The import writes into a log group that CloudWatch Logs creates and manages (Infrequent Access
 * class). The construct provisions the import role (trusting `cloudtrail.amazonaws.com`, allowed
 * exactly the store, its log group and its key), and a deploy-time function shared by the stack's
 * imports.
 *
 * @resource Custom::EventDataStoreImport
 */
export class EventDataStoreImport extends Construct {
  /** The import's ID, as CloudWatch Logs assigned it. Resolves at deploy time. */
  public readonly importId: string;

  /** ARN of the log group the import writes to, as CloudWatch Logs reports it. Resolves at deploy time. */
  public readonly destinationLogGroupArn: string;

  /** Name of the log group the import writes to (read from the service, not guessed). Resolves at deploy time. */
  public readonly destinationLogGroupName: string;

  /** The destination log group, for grants, metric filters and subscriptions. */
  public readonly destinationLogGroup: logs.ILogGroup;

  /** The role CloudWatch Logs uses to read the store. */
  public readonly importRole: iam.IRole;

  /** When the import was created (ISO 8601). Resolves at deploy time. */
  public readonly creationTime: string;

  /**
   * The import's status when the resource last finished deploying: `IN_PROGRESS`, or with
   * `waitForCompletion`, `COMPLETED`. Resolves at deploy time.
   */
  public readonly importStatus: string;

  /** Bytes imported when the resource last finished deploying (the total with `waitForCompletion`). */
  public readonly bytesImported: string;

  /** The ARN of the event data store imported. */
  public readonly eventDataStoreArn: string;

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
    const window = props.timeRange?._render() ?? {};
    checkTimeRange(this, window, props.timeRange, source);
    const waitForCompletion = props.waitForCompletion ?? false;
    const timeout = this.checkTimeout(waitForCompletion, props);
    this.eventDataStoreArn = source.eventDataStoreArn;

    // Which log group the import creates is not documented consistently (FACTS.md): allow both names.
    const destinationLogGroupArns = ['', '/'].map((prefix) => stack.formatArn({
      service: 'logs',
      region: storeArn.region,
      account: storeArn.account,
      resource: 'log-group',
      resourceName: `${prefix}aws/cloudtrail/${storeArn.id}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));

    const provider = ImportProvider.of(this, props.handler);
    let importRoleDependency: Construct | undefined;
    if (props.role) {
      this.importRole = props.role;
      provider.allowPassRole(props.role);
    } else {
      const shared = provider.importRoleFor({ ...source, destinationLogGroupArns });
      this.importRole = shared.role;
      importRoleDependency = shared.policy;
    }
    provider.allowReadSource(source.eventDataStoreArn, source.keyPermissions);
    if (source.keyPermissions?.key) {
      allowCloudTrailToUseKey(source.keyPermissions.key);
    }
    if (source.keyPermissions?.assumption) {
      warn(this, 'kmsKeyIdToken', source.keyPermissions.assumption);
    }

    const properties: ImportResourceProperties = {
      ImportSourceArn: source.eventDataStoreArn,
      ImportRoleArn: this.importRole.roleArn,
      StartEventTime: renderNumber(window.startEventTime),
      EndEventTime: renderNumber(window.endEventTime),
      LookbackMillis: renderNumber(window.lookbackMillis),
      WaitForCompletion: String(waitForCompletion),
      TimeoutSeconds: String(timeout.toSeconds()),
      RemovalPolicy: removalPolicy,
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties,
      serviceTimeout: Duration.seconds(Math.min(MAX_RESOURCE_SECONDS, timeout.toSeconds() + REPORTING_MARGIN_SECONDS)),
    });

    // Policies first, and (aws-cdk issue 9840) still there when CloudFormation deletes the resource.
    resource.node.addDependency(provider.policies);
    if (importRoleDependency) resource.node.addDependency(importRoleDependency);
    if (removalPolicy === RemovalPolicy.DESTROY) {
      // In the handler's shared policies (a policy per import would exceed IAM's 10 managed
      // policies per role at 10 imports). The resource depends on those policies already.
      provider.allowDeleteLogGroup(source.eventDataStoreArn, storeArn.id, storeArn.region, storeArn.account);
    }

    this.importId = resource.getAttString('ImportId');
    this.destinationLogGroupArn = resource.getAttString('DestinationLogGroupArn');
    this.destinationLogGroupName = resource.getAttString('DestinationLogGroupName');
    this.creationTime = resource.getAttString('CreationTime');
    this.importStatus = resource.getAttString('ImportStatus');
    this.bytesImported = resource.getAttString('BytesImported');
    this.destinationLogGroup = logs.LogGroup.fromLogGroupArn(this, 'DestinationLogGroup', this.destinationLogGroupArn);

    countImportsInEnvironment(this);
    checkOverlaps(this, source.eventDataStoreArn, window);
  }

  private checkTimeout(waitForCompletion: boolean, props: EventDataStoreImportProps): Duration {
    const [name, value, fallback] = waitForCompletion
      ? ['completionTimeout', props.completionTimeout, Duration.minutes(50)] as const
      : ['slotWaitTimeout', props.slotWaitTimeout, Duration.minutes(10)] as const;
    const ignored = waitForCompletion ? props.slotWaitTimeout : props.completionTimeout;
    if (ignored) {
      warn(this, 'ignoredTimeout',
        waitForCompletion ? 'slotWaitTimeout is ignored with waitForCompletion: completionTimeout bounds the queue and the import.'
          : 'completionTimeout is ignored without waitForCompletion; set waitForCompletion: true to wait for the import.');
    }
    const timeout = value ?? fallback;
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 60 || timeout.toSeconds() > MAX_TIMEOUT.toSeconds())) {
      throw new Error(`${name} must be between 1 minute and ${MAX_TIMEOUT.toMinutes()} minutes (CloudFormation waits at most an hour for a custom resource), got ${timeout.toHumanString()}`);
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
}

