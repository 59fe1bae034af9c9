import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * How the stack's deploy-time orchestrator runs: its function (the custom resources' ServiceToken
 * and the state machine's steps), its Step Functions state machine and its ledger table.
 *
 * A stack has one orchestrator, shared by all its imports. The first import of a stack creates it
 * with its options; a later import of the same stack may leave `handler` out, and if it sets an
 * option, that option must match.
 *
 * The defaults keep the handler cheap and working in any account; organisations whose rules demand
 * more (NIST 800-53 rev 5 in cdk-nag, AWS Control Tower proactive controls) set these options.
 */
export interface ImportHandlerOptions {
  /**
   * Run the functions in this VPC (Control Tower CT.LAMBDA.PR.3, cdk-nag NIST.800.53.R5-LambdaInsideVPC).
   *
   * The function calls AWS APIs over HTTPS: the chosen subnets need a NAT gateway, or interface VPC
   * endpoints for CloudWatch Logs, Step Functions, DynamoDB, CloudFormation, CloudTrail and SNS plus
   * a route to Amazon S3 (the function answers CloudFormation through an S3 pre-signed URL).
   *
   * @default - the functions do not run in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` to place the functions. Requires `vpc`.
   *
   * @default - the VPC's default subnet selection for Lambda (its private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the functions. Requires `vpc`.
   *
   * @default - with `vpc`, one security group shared by the functions that allows outbound HTTPS (TCP 443) only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How long the function's and the state machine's logs are kept. Control Tower
   * CT.CLOUDWATCH.PR.2 asks for at least a year.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Customer managed KMS key that encrypts the function's and the state machine's log groups
   * (Control Tower CT.CLOUDWATCH.PR.3, cdk-nag NIST.800.53.R5-CloudWatchLogGroupEncrypted).
   *
   * The key policy must allow the CloudWatch Logs service principal (`logs.<region>.amazonaws.com`)
   * to use the key. For a `kms.Key` defined in the app the construct adds that statement, limited to
   * log groups of the stack's account and region; for an imported key, add it yourself.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Reserved concurrency of the orchestrator function, for cdk-nag NIST.800.53.R5-LambdaConcurrency.
   *
   * Reservations come out of the account's unreserved concurrency, which must stay at least 100
   * (accounts with a low concurrency quota cannot reserve at all). A value of at least the number
   * of imports the stack creates at once avoids throttling.
   *
   * @default - no reserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Customer managed KMS key that encrypts the function's environment variables.
   *
   * @default - an AWS managed key
   */
  readonly environmentEncryption?: kms.IKey;

  /**
   * Customer managed KMS key that encrypts the ledger table (the owner records of the imports).
   *
   * @default - encrypted with the AWS managed key for DynamoDB
   */
  readonly ledgerEncryptionKey?: kms.IKey;

  /**
   * How often the orchestrator looks for a free import slot and at a running import. Any interval
   * suits imports of any length: every 800 looks, a record's execution continues as a new one
   * (well before a Standard execution's 25,000 history events), keeping the record's state.
   *
   * @default Duration.minutes(5)
   */
  readonly pollInterval?: Duration;
}
