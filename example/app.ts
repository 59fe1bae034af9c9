/**
 * The example app: a KMS-encrypted event data store and two imports of it, synthesized by
 * `npx projen example` (a real `cdk synth` through the aws-cdk CLI).
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EventDataStoreImport, ImportSource, ImportTimeRange } from '../src';

const app = new App();
const stack = new Stack(app, 'CloudTrailLakeMigration', { env: { account: '111111111111', region: 'us-east-1' } });

const key = new kms.Key(stack, 'StoreKey', { enableKeyRotation: true });
const store = new cloudtrail.CfnEventDataStore(stack, 'Store', {
  kmsKeyId: key.keyArn,
  retentionPeriod: 2557,
  billingMode: 'FIXED_RETENTION_PRICING',
});

// 2024 in full, kept in place if the stack is deleted.
const history = new EventDataStoreImport(stack, 'History2024', {
  source: ImportSource.fromEventDataStore(store),
  timeRange: ImportTimeRange.calendarYear(2024),
});

// The last 90 days, measured when the import starts; the deployment waits for it.
new EventDataStoreImport(stack, 'Recent', {
  source: ImportSource.fromEventDataStoreArn('arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90'),
  timeRange: ImportTimeRange.lookback(Duration.days(90)),
  waitForCompletion: true,
  completionTimeout: Duration.minutes(45),
  removalPolicy: RemovalPolicy.DESTROY,
});

// The imported log group is an ordinary ILogGroup.
const auditors = new iam.Role(stack, 'Auditors', { assumedBy: new iam.AccountRootPrincipal() });
history.destinationLogGroup.grantRead(auditors);

app.synth();
