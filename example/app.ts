/**
 * The example app: a CloudTrail Lake migration in one account and region, synthesized by
 * `npx projen example` (a real `cdk synth` through the aws-cdk CLI). Two stores move to CloudWatch:
 * a KMS-encrypted event data store of this app (management events and S3 data events) and an
 * existing one by ARN. For each: its history from 2024 on is imported up to the cutover, its
 * ongoing events keep arriving through a CloudWatch telemetry rule, and Lake ingestion stops after
 * the default 24-hour parallel run. Saved Logs Insights queries read both.
 * For many accounts and regions, see example/multi-account.ts.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CloudTrailLakeMigration, MigrationSource } from '../src';

const app = new App();
const stack = new Stack(app, 'CloudTrailLakeMigration', { env: { account: '111111111111', region: 'us-east-1' } });

// A store of this app: management events, and writes to S3 objects.
const key = new kms.Key(stack, 'StoreKey', { enableKeyRotation: true });
const store = new cloudtrail.CfnEventDataStore(stack, 'Store', {
  kmsKeyId: key.keyArn,
  retentionPeriod: 2557,
  billingMode: 'FIXED_RETENTION_PRICING',
  advancedEventSelectors: [
    { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
    {
      name: 'S3 object writes',
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
        { field: 'readOnly', equalTo: ['false'] },
      ],
    },
  ],
});

const migration = new CloudTrailLakeMigration(stack, 'Migration', {
  stores: [
    MigrationSource.fromEventDataStore(store),
    // An existing store, by ARN: its selectors are given (and compared by `preflight`), not read.
    MigrationSource.fromEventDataStoreArn('arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90', {
      advancedEventSelectors: [{ name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] }],
    }),
  ],
  // History from 2024 on (UTC), up to the cutover measured at deploy time (plus the 15-minute overlap).
  historyStart: new Date('2024-01-01T00:00:00Z'),
  // Lake ingestion stops 24 hours after the cutover (the default parallel run), once the import has
  // COMPLETED and ongoing events still arrive.
  stopLakeIngestion: true,
  // The investigations of the README's "From Lake SQL to Logs Insights", over both log groups.
  savedQueries: true,
});

// The imported log group is an ordinary ILogGroup.
const auditors = new iam.Role(stack, 'Auditors', { assumedBy: new iam.AccountRootPrincipal() });
migration.imports[0].destinationLogGroup.grantRead(auditors);

app.synth();
