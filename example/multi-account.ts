/**
 * A CloudTrail Lake migration across accounts and regions, with ordinary CDK Stages: one Stage per
 * account and region, since a migration is per account and region (imports are regional, and a
 * store can only be migrated from a stack in its own account and region).
 *
 * - The organisation event data store lives in the management account (us-east-1), so its history
 *   is imported there. Its ongoing events flow through an organisation telemetry rule, and an
 *   organisation centralization rule copies the ongoing CloudTrail log groups of us-east-1 and
 *   eu-west-1 into the log-archive account: both are created from the CloudWatch delegated
 *   administrator (the observability account). The two stages get the same props; each stack
 *   creates its part.
 * - Two member account/region pairs migrate their own account stores, given by ARN.
 * - Every member account (the log archive too) holds a MemberDeliveryReader: the management
 *   account's migration reads each member's ongoing CloudTrail log groups through it, so the
 *   cutover waits for every member's first ongoing event and Lake ingestion stops only while every
 *   member delivers.
 *
 * The Stages share nothing: no stack of one refers to a stack of another, so they deploy in any
 * order, or side by side. In a CDK Pipelines pipeline (aws-cdk-lib/pipelines) they are one wave:
 *
 *   const pipeline = new pipelines.CodePipeline(this, 'Pipeline', { synth });
 *   pipeline.addWave('CloudTrailLakeMigration', { stages: migrationStages(this) });
 *
 * (each target account bootstrapped with `cdk bootstrap --trust <pipeline account>`).
 * Here the stages are synthesized on their own: `npx cdk synth --app "npx ts-node --prefer-ts-exts example/multi-account.ts"`.
 */
import { App, Duration, Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { Construct } from 'constructs';
import { CloudTrailLakeMigration, CloudTrailLakeMigrationProps, MemberDeliveryReader, MigrationSource } from '../src';

export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const MANAGEMENT_ACCOUNT = '111111111111';
export const LOG_ARCHIVE_ACCOUNT = '222222222222';
export const DELEGATED_ADMINISTRATOR_ACCOUNT = '555555555555';
export const WORKLOADS_ACCOUNT = '333333333333';
export const ANALYTICS_ACCOUNT = '444444444444';
/** Every account of the organisation but the management account. */
export const MEMBER_ACCOUNTS = [LOG_ARCHIVE_ACCOUNT, WORKLOADS_ACCOUNT, ANALYTICS_ACCOUNT, DELEGATED_ADMINISTRATOR_ACCOUNT];
export const HOME_REGION = 'us-east-1';

/** The selectors of a store that collects management events only. */
const MANAGEMENT_EVENTS: cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[] = [
  { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
];

/** One account and region's part: its migration, and, in a member account, the reader of its ongoing log groups. */
export interface MigrationStageProps extends StageProps {
  /** The stores of this account and region (none: the stage only holds the reader). */
  readonly migration?: CloudTrailLakeMigrationProps;
  /** A member account of the organisation: the management account's migration reads its ongoing log groups. */
  readonly readerForManagementAccount?: string;
}

/** A Stage with one stack that migrates the stores of its account and region. */
export class MigrationStage extends Stage {
  public readonly stack: Stack;
  public readonly migration?: CloudTrailLakeMigration;
  public readonly reader?: MemberDeliveryReader;

  constructor(scope: Construct, id: string, props: MigrationStageProps) {
    super(scope, id, props);
    // The stack takes the stage's account and region.
    this.stack = new Stack(this, 'CloudTrailLakeMigration');
    if (props.migration) this.migration = new CloudTrailLakeMigration(this.stack, 'Migration', props.migration);
    if (props.readerForManagementAccount) {
      this.reader = new MemberDeliveryReader(this.stack, 'DeliveryReader', { managementAccountId: props.readerForManagementAccount });
    }
  }
}

/** The migration's stages, one per account and region, as one pipeline wave deploys them. */
export function migrationStages(scope: Construct): MigrationStage[] {
  // What every account decides alike: history from 2024 on (data before 2023 cannot be imported),
  // the default 15-minute overlap, and Lake ingestion stopped after the default 24-hour parallel run.
  const common: Omit<CloudTrailLakeMigrationProps, 'stores'> = {
    historyStart: new Date('2024-01-01T00:00:00Z'),
    stopLakeIngestion: true,
  };
  // The organisation store: imported in the management account, its rules created from the delegated administrator.
  const organizationMigration: CloudTrailLakeMigrationProps = {
    ...common,
    stores: [MigrationSource.fromEventDataStoreArn(`arn:aws:cloudtrail:${HOME_REGION}:${MANAGEMENT_ACCOUNT}:eventdatastore/5d2c0a51-95a8-4a55-a3c7-0f6f4d1e2b3c`, {
      advancedEventSelectors: MANAGEMENT_EVENTS,
      organizationEnabled: true,
    })],
    organization: {
      organizationId: ORGANIZATION_ID,
      managementAccountId: MANAGEMENT_ACCOUNT,
      delegatedAdministratorAccountId: DELEGATED_ADMINISTRATOR_ACCOUNT,
      // The organisation rule delivers into each member's own log groups: the cutover waits for every
      // one, and Lake ingestion stops only while every one delivers (each has a MemberDeliveryReader).
      memberAccountIds: MEMBER_ACCOUNTS,
    },
    // The first copy is free of extra ingestion and cross-region transfer charges (AWS's guide):
    // keep the members' groups short-lived and the log archive's long.
    centralization: {
      destinationAccountId: LOG_ARCHIVE_ACCOUNT,
      destinationRegion: HOME_REGION,
      sourceRegions: [HOME_REGION, 'eu-west-1'],
    },
  };
  return [
    // The organisation store lives in the management account: its history is imported there.
    new MigrationStage(scope, 'Management-us-east-1', {
      env: { account: MANAGEMENT_ACCOUNT, region: HOME_REGION },
      migration: organizationMigration,
    }),
    // The CloudWatch delegated administrator creates the organisation telemetry rule and the centralization rule.
    new MigrationStage(scope, 'Observability-us-east-1', {
      env: { account: DELEGATED_ADMINISTRATOR_ACCOUNT, region: HOME_REGION },
      migration: organizationMigration,
      readerForManagementAccount: MANAGEMENT_ACCOUNT,
    }),
    // The log archive has no store of its own: only the reader of its ongoing log groups.
    new MigrationStage(scope, 'LogArchive-us-east-1', {
      env: { account: LOG_ARCHIVE_ACCOUNT, region: HOME_REGION },
      readerForManagementAccount: MANAGEMENT_ACCOUNT,
    }),
    // A member account's own store, collecting every region's events (CloudTrail's default).
    new MigrationStage(scope, 'Workloads-us-east-1', {
      env: { account: WORKLOADS_ACCOUNT, region: 'us-east-1' },
      readerForManagementAccount: MANAGEMENT_ACCOUNT,
      migration: {
        ...common,
        stores: [MigrationSource.fromEventDataStoreArn('arn:aws:cloudtrail:us-east-1:333333333333:eventdatastore/8a6b2c1d-3e4f-4a5b-8c7d-9e0f1a2b3c4d', {
          advancedEventSelectors: MANAGEMENT_EVENTS,
        })],
      },
    }),
    // Another member, whose store collects management events and S3 object writes of eu-west-1 only.
    new MigrationStage(scope, 'Analytics-eu-west-1', {
      env: { account: ANALYTICS_ACCOUNT, region: 'eu-west-1' },
      readerForManagementAccount: MANAGEMENT_ACCOUNT,
      migration: {
        ...common,
        stores: [MigrationSource.fromEventDataStoreArn('arn:aws:cloudtrail:eu-west-1:444444444444:eventdatastore/c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f', {
          advancedEventSelectors: [
            ...MANAGEMENT_EVENTS,
            {
              name: 'S3 object writes',
              fieldSelectors: [
                { field: 'eventCategory', equalTo: ['Data'] },
                { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
                { field: 'readOnly', equalTo: ['false'] },
              ],
            },
          ],
          multiRegionEnabled: false,
        })],
        // A longer parallel run here: three days of both ingesting before Lake ingestion stops.
        parallelRun: Duration.days(3),
      },
    }),
  ];
}

if (require.main === module) {
  const app = new App();
  migrationStages(app);
  app.synth();
}
