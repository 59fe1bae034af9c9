import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { newStack, STORE_ARN, template } from './fixtures';
import { EventDataStoreImport, ImportSource, ImportTimeRange } from '../../src';

// Whole-template snapshots: they FAIL when the template changes. Review the diff, then
// `npx projen test:update` if the change is intended. Asset hashes are masked (test/asset-hash-serializer.ts).

test('minimal: an existing store by ARN, everything in its retention period', () => {
  const stack = newStack();
  new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN) });
  expect(template(stack).toJSON()).toMatchSnapshot();
});

test('a KMS-encrypted store of the app, a fixed window, and a 90-day lookback with your own role', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn, retentionPeriod: 3653 });
  new EventDataStoreImport(stack, 'History', {
    source: ImportSource.fromEventDataStore(store),
    timeRange: ImportTimeRange.between(new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')),
  });
  const role = new iam.Role(stack, 'ImportRole', { assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com') });
  new EventDataStoreImport(stack, 'Recent', {
    source: ImportSource.fromEventDataStore(store),
    timeRange: ImportTimeRange.lookback(Duration.days(90)),
    role,
  });
  expect(template(stack).toJSON()).toMatchSnapshot();
});

test('wait mode with RemovalPolicy.DESTROY', () => {
  const stack = newStack();
  new EventDataStoreImport(stack, 'Import', {
    source: ImportSource.fromEventDataStoreArn(STORE_ARN),
    waitForCompletion: true,
    completionTimeout: Duration.minutes(40),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  expect(template(stack).toJSON()).toMatchSnapshot();
});
