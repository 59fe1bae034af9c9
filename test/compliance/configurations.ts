import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudTrailLakeMigration, EventDataStoreImport, ImportHandlerOptions, ImportSource, MigrationSource } from '../../src';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STORE_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/0b4f7f2a-7a4d-4d4e-9c1e-5c3b2f6d8e90`;
export const OTHER_STORE_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/7c1d2e3f-0000-4000-8000-000000000001`;

/**
 * A KMS key as an organisation with Control Tower's KMS controls makes it: rotated
 * (CT.KMS.PR.1), and grants limited to AWS services (CT.KMS.PR.3).
 */
export function organisationKey(scope: Stack, id: string): kms.Key {
  const key = new kms.Key(scope, id, { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}

/** Everything an organisation that enforces NIST 800-53 and Control Tower's proactive controls sets. */
export function strictHandlerOptions(stack: Stack): ImportHandlerOptions {
  // An existing VPC (looked up or imported), so that only the library's resources are judged.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'OrgVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
  const key = organisationKey(stack, 'OrgLogKey');
  return {
    vpc,
    logEncryptionKey: key,
    environmentEncryption: key,
    reservedConcurrentExecutions: 2,
    // The ledger table encrypted with the organisation's key rather than DynamoDB's AWS managed key.
    ledgerEncryptionKey: key,
    pollInterval: Duration.minutes(10),
  };
}

/** A topic as such an organisation makes it: encrypted with its key, TLS only. */
export function organisationTopic(stack: Stack, key: kms.IKey): sns.Topic {
  return new sns.Topic(stack, 'OrgImportTopic', { masterKey: key, enforceSSL: true });
}

const ORG = { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT };
const MANAGEMENT = { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] };
const S3_WRITES = {
  name: 'S3 writes',
  fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }, { field: 'readOnly', equalTo: ['false'] }],
};
const DATA_STORE_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/7c1d2e3f-0000-4000-8000-0000000000d4`;

/**
 * A store as an organisation with Control Tower's CloudTrail controls makes it: encrypted with a
 * customer managed key of its own (CT.CLOUDTRAIL.PR.3).
 */
function organisationStore(stack: Stack, id: string, props: cloudtrail.CfnEventDataStoreProps = {}): cloudtrail.CfnEventDataStore {
  return new cloudtrail.CfnEventDataStore(stack, id, { ...props, kmsKeyId: organisationKey(stack, `${id}Key`).keyArn });
}

/**
 * The migration's configurations, each building one stack in account 111111111111, us-east-1 (the
 * management account of the organisation `ORG`, so organisation stores may be migrated from it).
 */
export const MIGRATION_CONFIGURATIONS: Record<string, (stack: Stack) => void> = {
  'migration: account store of the app (migration defaults)': (stack) => {
    const store = organisationStore(stack, 'Store');
    new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store)] });
  },
  'migration: store by ARN with data events, single region, historyStart, retention': (stack) => {
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(DATA_STORE_ARN, {
        advancedEventSelectors: [MANAGEMENT, S3_WRITES],
        multiRegionEnabled: false,
        retentionPeriod: Duration.days(3653),
      })],
      historyStart: new Date('2024-01-01T00:00:00Z'),
    });
  },
  'migration: store of the app with its key given as encryptionKey': (stack) => {
    const key = organisationKey(stack, 'StoreKey');
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyId });
    new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store, { encryptionKey: key })] });
  },
  'migration: KMS-encrypted store named by an alias of the app': (stack) => {
    const alias = new kms.Alias(stack, 'StoreKeyAlias', { aliasName: 'alias/cloudtrail-lake', targetKey: organisationKey(stack, 'StoreKey') });
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: alias.aliasName });
    new CloudTrailLakeMigration(stack, 'Migration', { stores: [MigrationSource.fromEventDataStore(store)] });
  },
  'migration: store by ARN whose key is known only by alias name': (stack) => {
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStoreArn(STORE_ARN, {
        advancedEventSelectors: [MANAGEMENT],
        encryptionKey: kms.Alias.fromAliasName(stack, 'StoreKeyAlias', 'alias/cloudtrail-lake'),
      })],
    });
  },
  'migration: organisation store, rule scoped to an OU': (stack) => {
    const store = organisationStore(stack, 'OrgStore', { organizationEnabled: true });
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(store)],
      organization: { ...ORG, ruleScope: "OrganizationUnitId = 'ou-ab12-34cd56ef'" },
    });
  },
  'migration: organisation and account stores, centralization with a destination key and a backup region': (stack) => {
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [
        MigrationSource.fromEventDataStore(organisationStore(stack, 'OrgStore', { organizationEnabled: true })),
        MigrationSource.fromEventDataStoreArn(DATA_STORE_ARN, { advancedEventSelectors: [MANAGEMENT, S3_WRITES] }),
      ],
      organization: ORG,
      centralization: {
        destinationAccountId: '222222222222',
        destinationRegion: 'eu-west-1',
        sourceRegions: ['us-east-1', 'us-west-2'],
        destinationKmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        backupRegion: 'eu-central-1',
        backupKmsKeyArn: 'arn:aws:kms:eu-central-1:222222222222:key/5678abcd-12ab-34cd-56ef-1234567890ab',
      },
    });
  },
  'migration: stopLakeIngestion after a custom parallel run': (stack) => {
    const store = organisationStore(stack, 'Store');
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(store)],
      stopLakeIngestion: true,
      parallelRun: Duration.hours(48),
    });
  },
  'migration: waitForCompletion, RemovalPolicy.DESTROY, an encrypted notification topic': (stack) => {
    const key = organisationKey(stack, 'TopicKey');
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(organisationStore(stack, 'Store'))],
      waitForCompletion: true,
      completionTimeout: Duration.minutes(45),
      removalPolicy: RemovalPolicy.DESTROY,
      notificationTopic: organisationTopic(stack, key),
    });
  },
  'migration: bring-your-own import role': (stack) => {
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(organisationStore(stack, 'Store'), {
        importRole: iam.Role.fromRoleArn(stack, 'OwnRole', `arn:aws:iam::${ACCOUNT}:role/cloudtrail-lake-import`),
      })],
    });
  },
  'migration: importHistory: false, no saved queries': (stack) => {
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [MigrationSource.fromEventDataStore(organisationStore(stack, 'Store'))],
      importHistory: false,
      savedQueries: false,
    });
  },
  'migration: strict organisation (every handler option set), stopLakeIngestion, topic': (stack) => {
    const handler = strictHandlerOptions(stack);
    new CloudTrailLakeMigration(stack, 'Migration', {
      stores: [
        MigrationSource.fromEventDataStore(organisationStore(stack, 'Store')),
        MigrationSource.fromEventDataStore(organisationStore(stack, 'OrgStore', { organizationEnabled: true })),
      ],
      // Lake ingestion of an organisation store stops on a check of every member account (a reader role in each).
      organization: { ...ORG, memberAccountIds: ['222222222222', '333333333333'] },
      stopLakeIngestion: true,
      cutoverTimeout: Duration.hours(12),
      notificationTopic: organisationTopic(stack, handler.ledgerEncryptionKey!),
      handler,
    });
  },
};

/** Configurations that set every handler option (pass Control Tower's controls with none disabled). */
export const MIGRATION_STRICT = ['migration: strict organisation (every handler option set), stopLakeIngestion, topic'];

/** The construct's main configurations, each building one stack. */
export const CONFIGURATIONS: Record<string, (stack: Stack) => void> = {
  'minimal (fromEventDataStoreArn, all defaults)': (stack) => {
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN) });
  },
  'KMS-encrypted store (CfnEventDataStore with a kms.Key)': (stack) => {
    const key = organisationKey(stack, 'StoreKey');
    const store = new cloudtrail.CfnEventDataStore(stack, 'Store', { kmsKeyId: key.keyArn, retentionPeriod: 2557, billingMode: 'FIXED_RETENTION_PRICING' });
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStore(store) });
  },
  'store key known only by alias': (stack) => {
    new EventDataStoreImport(stack, 'Import', {
      source: ImportSource.fromEventDataStoreArn(STORE_ARN, { encryptionKey: kms.Alias.fromAliasName(stack, 'StoreKeyAlias', 'alias/cloudtrail-lake') }),
    });
  },
  'waitForCompletion with RemovalPolicy.DESTROY': (stack) => {
    new EventDataStoreImport(stack, 'Import', {
      source: ImportSource.fromEventDataStoreArn(STORE_ARN),
      waitForCompletion: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  },
  'bring-your-own role': (stack) => {
    new EventDataStoreImport(stack, 'Import', {
      source: ImportSource.fromEventDataStoreArn(STORE_ARN),
      role: iam.Role.fromRoleArn(stack, 'OwnRole', `arn:aws:iam::${ACCOUNT}:role/cloudtrail-lake-import`),
    });
  },
  'many imports (policies split over several managed policies)': (stack) => {
    for (let i = 0; i < 14; i++) {
      const arn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      new EventDataStoreImport(stack, `Import${i}`, {
        source: ImportSource.fromEventDataStoreArn(arn),
        removalPolicy: i % 2 ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      });
    }
  },
  'strict organisation (every handler option set)': (stack) => {
    const handler = strictHandlerOptions(stack);
    const notificationTopic = organisationTopic(stack, handler.ledgerEncryptionKey!);
    new EventDataStoreImport(stack, 'Import', { source: ImportSource.fromEventDataStoreArn(STORE_ARN), handler, notificationTopic });
    new EventDataStoreImport(stack, 'Destroyed', {
      source: ImportSource.fromEventDataStoreArn(OTHER_STORE_ARN),
      waitForCompletion: true,
      // With the strict 10-minute poll interval, the wait plus one poll must fit in 55 minutes.
      completionTimeout: Duration.minutes(45),
      removalPolicy: RemovalPolicy.DESTROY,
      handler,
      notificationTopic,
    });
  },
  // Every test over CONFIGURATIONS (cdk-nag, Control Tower) runs on the migration's too.
  ...MIGRATION_CONFIGURATIONS,
};

/** Configurations that set every handler option (pass Control Tower's controls with none disabled). */
export const STRICT = ['strict organisation (every handler option set)', ...MIGRATION_STRICT];

export function tempOutdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
}

/** An app with one stack built by `configure`, synthesized into a temporary directory. */
export function synthesize(configure: (stack: Stack) => void, props: AppProps = {}): { app: App; stack: Stack; outdir: string } {
  const outdir = props.outdir ?? tempOutdir();
  const app = new App({ ...props, outdir });
  const stack = new Stack(app, 'ImportStack', { env: { account: ACCOUNT, region: REGION } });
  configure(stack);
  app.synth();
  return { app, stack, outdir };
}
