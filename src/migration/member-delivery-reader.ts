import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DELIVERED_CATEGORIES } from './event-selectors';

/** Properties of a `MemberDeliveryReader`. */
export interface MemberDeliveryReaderProps {
  /**
   * The organisation's management account, whose migration (its deploy-time orchestrator) reads
   * this account's ongoing CloudTrail log groups through the role.
   */
  readonly managementAccountId: string;

  /**
   * The role's name: the same in every member account, since the management account's migration
   * assumes `arn:<partition>:iam::<member>:role/<roleName>` (`organization.memberReaderRoleName`).
   *
   * @default MemberDeliveryReader.DEFAULT_ROLE_NAME
   */
  readonly roleName?: string;
}

/**
 * A read-only role in a member account, through which the migration of an organisation event data store reads that account's ongoing CloudTrail log groups.
 *
 * An organisation telemetry rule delivers into each member account's own
 * `aws/cloudtrail/managementevents` and `aws/cloudtrail/dataevents` log groups, so the management
 * account's migration reads them there: the cutover waits for every member's first ongoing event,
 * and Lake ingestion stops only while every member delivers.
 *
 * The management account may assume it; it allows `logs:FilterLogEvents` on those two log groups
 * of this account, in every region, and nothing else. Deploy one in each account listed in
 * `organization.memberAccountIds` (one stage per account, e.g. a CDK Pipelines wave).
 */
export class MemberDeliveryReader extends Construct {
  /** The role name the migration assumes by default. */
  public static readonly DEFAULT_ROLE_NAME = 'cdk-eventdatastore-import-delivery-reader';

  /** The role the management account assumes. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberDeliveryReaderProps) {
    super(scope, id);
    const management = props.managementAccountId;
    if (!Token.isUnresolved(management) && !/^\d{12}$/.test(management)) {
      throw new Error(`managementAccountId must be a 12-digit account ID, got ${JSON.stringify(management)}`);
    }
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(management) && stack.account === management) {
      throw new Error(`managementAccountId: the stack ${stack.stackName} is the management account (${management}) itself; its migration reads its own log ` +
        'groups with its own role. Deploy a MemberDeliveryReader in each member account instead.');
    }
    const roleName = props.roleName ?? MemberDeliveryReader.DEFAULT_ROLE_NAME;
    checkRoleName(roleName);
    this.role = new iam.Role(this, 'Resource', {
      roleName,
      description: `Lets the CloudTrail Lake migration of the management account ${management} read this account's ongoing CloudTrail log groups`,
      assumedBy: new iam.AccountPrincipal(management),
    });
    const groups = [...new Set(Object.values(DELIVERED_CATEGORIES))].flatMap((name) => {
      const arn = stack.formatArn({ service: 'logs', region: '*', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      return [arn, `${arn}:*`];
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: groups }));
  }
}

/** An IAM role name: 1..64 of [\w+=,.@-]. */
export function checkRoleName(roleName: string, prop = 'roleName'): void {
  if (!Token.isUnresolved(roleName) && !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw new Error(`${prop} must be an IAM role name (1 to 64 of letters, digits and +=,.@_-), got ${JSON.stringify(roleName)}`);
  }
}
