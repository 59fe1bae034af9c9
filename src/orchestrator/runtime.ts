/**
 * What the deploy-time code needs from the outside world, in one object: the SDK clients, the
 * clock and the way it answers CloudFormation. The Lambda entry point builds the real one; tests
 * build theirs.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { RetryClock } from '../shared/aws-errors';

export interface Runtime extends RetryClock {
  /** Every CloudWatch Logs call but CreateImportTask. */
  readonly logs: CloudWatchLogsClient;
  /** CreateImportTask only, with the SDK's retries OFF: the API has no client token, a blind retry is a second import. */
  readonly createLogs: CloudWatchLogsClient;
  readonly dynamodb: DynamoDBClient;
  readonly sfn: SFNClient;
  readonly cloudformation: CloudFormationClient;
  readonly cloudtrail: CloudTrailClient;
  readonly sns: SNSClient;
  /** How long an uncertain CreateImportTask is given to show up in DescribeImportTasks. */
  readonly settleMs: number;
  /**
   * Real time per unit of the orchestrator's own waits (the parallel run, the wait for ongoing
   * events, Lake's delivery allowance): 1 when deployed; tests compress them. Event times are never scaled.
   */
  readonly timeScale: number;
  /**
   * A CloudWatch Logs client with the credentials of a role in another account (a member account's
   * reader role, for an organisation store's cutover and stop).
   */
  readonly memberLogs?: (roleArn: string, region?: string) => CloudWatchLogsClient;
  /** A CloudWatch Logs client of the function's own account in another region (a multi-region store's). */
  readonly logsIn?: (region: string) => CloudWatchLogsClient;
  /** PUTs a custom resource response to its pre-signed URL. */
  readonly putResponse: (url: string, body: string) => Promise<void>;
}
