import { Match } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CloudTrailLakeMigration, MigrationSource } from '../../src';
import { ACCOUNT, newStack, REGION, STORE_ARN, template, warnings } from '../event-data-store-import/fixtures';

const ORG = { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT };
const DESTINATION_KEY = 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const BACKUP_KEY = 'arn:aws:kms:eu-central-1:222222222222:key/5678abcd-12ab-34cd-56ef-1234567890ab';
const accountStore = () => MigrationSource.fromEventDataStoreArn(STORE_ARN, {
  advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] }], organizationEnabled: false, multiRegionEnabled: false,
});

function orgMigration(centralization: Record<string, unknown>) {
  const stack = newStack();
  new CloudTrailLakeMigration(stack, 'Migration', {
    stores: [MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'OrgStore', { organizationEnabled: true }))],
    organization: ORG,
    centralization: { destinationAccountId: '222222222222', destinationRegion: 'eu-west-1', ...centralization },
  });
  return template(stack);
}

describe('centralization that encrypts with the given key', () => {
  test('a destination key encrypts every copy: EncryptionScope NEW_DESTINATION_LOG_GROUPS (the ongoing groups are AWS-owned-encrypted)', () => {
    orgMigration({ destinationKmsKeyArn: DESTINATION_KEY }).hasResourceProperties('AWS::ObservabilityAdmin::OrganizationCentralizationRule', {
      Rule: {
        Destination: {
          DestinationLogsConfiguration: {
            LogsEncryptionConfiguration: { EncryptionStrategy: 'CUSTOMER_MANAGED', KmsKeyArn: DESTINATION_KEY, EncryptionScope: 'NEW_DESTINATION_LOG_GROUPS' },
            BackupConfiguration: Match.absent(),
          },
        },
      },
    });
  });

  test('the backup region is encrypted the same way, with its own key', () => {
    orgMigration({ destinationKmsKeyArn: DESTINATION_KEY, backupRegion: 'eu-central-1', backupKmsKeyArn: BACKUP_KEY })
      .hasResourceProperties('AWS::ObservabilityAdmin::OrganizationCentralizationRule', {
        Rule: {
          Destination: {
            DestinationLogsConfiguration: {
              LogsEncryptionConfiguration: { EncryptionStrategy: 'CUSTOMER_MANAGED', KmsKeyArn: DESTINATION_KEY, EncryptionScope: 'NEW_DESTINATION_LOG_GROUPS' },
              BackupConfiguration: { Region: 'eu-central-1', KmsKeyArn: BACKUP_KEY },
            },
          },
        },
      });
  });

  test('without a key: AWS-owned keys, no EncryptionScope (it is invalid with AWS_OWNED)', () => {
    orgMigration({ backupRegion: 'eu-central-1' }).hasResourceProperties('AWS::ObservabilityAdmin::OrganizationCentralizationRule', {
      Rule: {
        Destination: {
          DestinationLogsConfiguration: { LogsEncryptionConfiguration: { EncryptionStrategy: 'AWS_OWNED', EncryptionScope: Match.absent() }, BackupConfiguration: { Region: 'eu-central-1' } },
        },
      },
    });
  });

  test.each([
    ['a destination key and a backup region without a backup key', { destinationKmsKeyArn: DESTINATION_KEY, backupRegion: 'eu-central-1' },
      /^centralization.backupKmsKeyArn is required with destinationKmsKeyArn and backupRegion \(eu-central-1\).*customer managed key of account 222222222222 in eu-central-1/],
    ['a backup key without a backup region', { backupKmsKeyArn: BACKUP_KEY }, /^centralization.backupKmsKeyArn is given but backupRegion is not/],
  ])('%s: a synth error', (_, centralization, message) => {
    expect(() => orgMigration(centralization)).toThrow(message);
  });
});

describe('the ongoing log groups', () => {
  test('RetentionDays.INFINITE (9999) is refused: the telemetry rule keeps events 1 to 3653 days', () => {
    expect(() => new CloudTrailLakeMigration(newStack(), 'M', { stores: [accountStore()], ongoingRetention: logs.RetentionDays.INFINITE }))
      .toThrow(/^ongoingRetention must be 1 to 3653 days \(the telemetry rule's RetentionInDays\), got 9999 \(RetentionDays.INFINITE, which renders 9999\).*TEN_YEARS/);
  });

  test('ten years (3653 days), the longest, is rendered as it is', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'M', { stores: [accountStore()], ongoingRetention: logs.RetentionDays.TEN_YEARS });
    template(stack).hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', { Rule: { DestinationConfiguration: { RetentionInDays: 3653 } } });
  });

  test('a key of the app encrypts them: the rule\'s KmsKeyArn, and a key policy statement for CloudWatch Logs on those log groups only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'OngoingKey');
    new CloudTrailLakeMigration(stack, 'M', { stores: [accountStore()], ongoingEncryptionKey: key });
    const t = template(stack);
    t.hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', {
      Rule: { DestinationConfiguration: { KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OngoingKey'), 'Arn'] }, RetentionInDays: 365 } },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchLogsForOngoingCloudTrailLogGroups',
          Principal: { Service: `logs.${REGION}.amazonaws.com` },
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:${ACCOUNT}:log-group:aws/cloudtrail/*`]] } } },
        })]),
      },
    });
    expect(warnings(stack).join('\n')).not.toContain('ongoingEncryptionKeyOneRegion');
  });

  test('organisation stores: the organisation rule takes the key too, for the member accounts\' log groups', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'OngoingKey');
    new CloudTrailLakeMigration(stack, 'M', {
      stores: [MigrationSource.fromEventDataStore(new cloudtrail.CfnEventDataStore(stack, 'OrgStore', { organizationEnabled: true }))],
      organization: ORG,
      ongoingEncryptionKey: key,
    });
    const t = template(stack);
    t.hasResourceProperties('AWS::ObservabilityAdmin::OrganizationTelemetryRule', { Rule: { DestinationConfiguration: { KmsKeyArn: Match.anyValue() } } });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:${REGION}:*:log-group:aws/cloudtrail/*`]] } } },
        })]),
      },
    });
    // A multi-region store's rule covers every region; a key is in one.
    expect(warnings(stack).join('\n')).toContain('cdk-eventdatastore-import:ongoingEncryptionKeyOneRegion');
  });

  test('an imported key by ARN is rendered as it is; by alias it is refused (KmsKeyArn takes a key ARN)', () => {
    const stack = newStack();
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    new CloudTrailLakeMigration(stack, 'M', { stores: [accountStore()], ongoingEncryptionKey: kms.Key.fromKeyArn(stack, 'Imported', keyArn) });
    template(stack).hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', { Rule: { DestinationConfiguration: { KmsKeyArn: keyArn } } });

    const other = newStack();
    const alias = kms.Alias.fromAliasName(other, 'Alias', 'alias/ongoing');
    expect(() => new CloudTrailLakeMigration(other, 'M', { stores: [accountStore()], ongoingEncryptionKey: alias }))
      .toThrow(/^ongoingEncryptionKey must be a KMS key, not an alias \(alias\/ongoing\): the telemetry rule's KmsKeyArn takes a key ARN/);
    const byAliasArn = kms.Key.fromKeyArn(newStack(), 'ByAlias', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/ongoing`);
    expect(() => new CloudTrailLakeMigration(byAliasArn.stack, 'M', { stores: [accountStore()], ongoingEncryptionKey: byAliasArn }))
      .toThrow(/^ongoingEncryptionKey must be a KMS key given by its key ARN .*got arn:aws:kms:us-east-1:111111111111:alias\/ongoing/);
  });

  test('without a key: no KmsKeyArn', () => {
    const stack = newStack();
    new CloudTrailLakeMigration(stack, 'M', { stores: [accountStore()] });
    template(stack).hasResourceProperties('AWS::ObservabilityAdmin::TelemetryRule', { Rule: { DestinationConfiguration: { KmsKeyArn: Match.absent() } } });
  });
});
