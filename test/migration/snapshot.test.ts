import { Duration } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CloudTrailLakeMigration, MigrationSource } from '../../src';
import { ACCOUNT, newStack, STORE_ARN, template } from '../event-data-store-import/fixtures';

// Whole-template snapshots: they FAIL when the template changes. Review the diff, then
// `npx projen test:update` if the change is intended. Asset hashes are masked (test/asset-hash-serializer.ts).

test('a KMS-encrypted store of the app, all defaults', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn });
  new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store)] });
  expect(template(stack).toJSON()).toMatchSnapshot();
});

test('a store by ARN with data events, a history start, and the stop of Lake ingestion after 48 hours', () => {
  const stack = newStack();
  new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, {
      advancedEventSelectors: [
        { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        { name: 'S3 writes', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }, { field: 'readOnly', equalTo: ['false'] }] },
      ],
    })],
    historyStart: new Date('2024-01-01T00:00:00Z'),
    stopLakeIngestion: true,
    parallelRun: Duration.hours(48),
  });
  expect(template(stack).toJSON()).toMatchSnapshot();
});

test('an organisation store with centralization, no saved queries', () => {
  const stack = newStack();
  const store = new cloudtrail.CfnEventDataStore(stack, 'OrgStore', { organizationEnabled: true });
  new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStore(store)],
    organization: { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT },
    centralization: { destinationAccountId: '222222222222', destinationRegion: 'eu-west-1' },
    savedQueries: false,
  });
  expect(template(stack).toJSON()).toMatchSnapshot();
});
