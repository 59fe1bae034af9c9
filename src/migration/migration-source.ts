import { Duration, IResolvable, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { StoreSelectors } from './event-selectors';
import { ImportSource } from '../event-data-store-import/import-source';
import { eventDataStoreIdOf } from '../orchestrator/contract';

/** Options for a store of the app in a `CloudTrailLakeMigration`. */
export interface MigrationStoreOptions {
  /**
   * The customer managed key that encrypts the store, when its `kmsKeyId` is an alias or a token
   * the construct cannot resolve to a key.
   *
   * @default - read from the store's `kmsKeyId`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The role CloudWatch Logs uses to read the store for the history import (see
   * `EventDataStoreImportProps.role`).
   *
   * @default - the store's own import role
   */
  readonly importRole?: iam.IRole;
}

/** Options for an existing store, by ARN, in a `CloudTrailLakeMigration`. */
export interface MigrationStoreArnOptions extends MigrationStoreOptions {
  /**
   * The store's advanced event selectors, carried over to the telemetry rule so that the same
   * events keep arriving after the cutover. They are given here rather than read at deploy time so
   * that the rule is in the template: reviewed in the diff, and asserted in tests. `preflight`
   * compares them with the store's (`aws cloudtrail get-event-data-store`).
   */
  readonly advancedEventSelectors: cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[];

  /**
   * Whether the store is an organization event data store (`OrganizationEnabled`).
   *
   * @default false
   */
  readonly organizationEnabled?: boolean;

  /**
   * Whether the store collects events from every region (`MultiRegionEnabled`); the telemetry rule
   * then delivers from every region too.
   *
   * @default true (CloudTrail's default)
   */
  readonly multiRegionEnabled?: boolean;

  /**
   * The store's retention period, for the synth-time checks of the history start.
   *
   * @default - unknown at synth time; checked at deploy time
   */
  readonly retentionPeriod?: Duration;
}

/** What the migration needs of a store. @internal */
export interface BoundMigrationSource {
  readonly importSource: ImportSource;
  readonly eventDataStoreArn: string;
  readonly selectors: StoreSelectors;
  /** undefined: a token. */
  readonly organizationEnabled?: boolean;
  /** undefined: a token. */
  readonly multiRegionEnabled?: boolean;
  readonly importRole?: iam.IRole;
  /** Names the store's constructs in the migration. */
  readonly key: string;
  /** How the store is named in messages. */
  readonly description: string;
}

/**
 * An event data store to migrate: one of the app, or an existing one by ARN.
 */
export abstract class MigrationSource {
  /**
   * An event data store defined in this app. Its selectors, organisation and multi-region settings,
   * key and retention are read from it.
   */
  public static fromEventDataStore(store: cloudtrail.CfnEventDataStore, options: MigrationStoreOptions = {}): MigrationSource {
    return new AppStore(store, options);
  }

  /**
   * An existing event data store, by ARN (`arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>`),
   * with its advanced event selectors.
   */
  public static fromEventDataStoreArn(eventDataStoreArn: string, options: MigrationStoreArnOptions): MigrationSource {
    return new ArnStore(eventDataStoreArn, options);
  }

  /** @internal */
  public abstract _bind(scope: Construct, index: number): BoundMigrationSource;
}

class AppStore extends MigrationSource {
  constructor(private readonly store: cloudtrail.CfnEventDataStore, private readonly options: MigrationStoreOptions) {
    super();
  }

  public _bind(_scope: Construct, _index: number): BoundMigrationSource {
    return {
      importSource: ImportSource.fromEventDataStore(this.store, { encryptionKey: this.options.encryptionKey }),
      eventDataStoreArn: this.store.attrEventDataStoreArn,
      selectors: this.store.advancedEventSelectors,
      organizationEnabled: booleanOf(this.store.organizationEnabled, false),
      multiRegionEnabled: booleanOf(this.store.multiRegionEnabled, true),
      importRole: this.options.importRole,
      key: this.store.node.id,
      description: this.store.node.path,
    };
  }
}

class ArnStore extends MigrationSource {
  constructor(private readonly arn: string, private readonly options: MigrationStoreArnOptions) {
    super();
  }

  public _bind(_scope: Construct, index: number): BoundMigrationSource {
    return {
      importSource: ImportSource.fromEventDataStoreArn(this.arn, {
        encryptionKey: this.options.encryptionKey,
        retentionPeriod: this.options.retentionPeriod,
      }),
      eventDataStoreArn: this.arn,
      selectors: this.options.advancedEventSelectors,
      organizationEnabled: this.options.organizationEnabled ?? false,
      multiRegionEnabled: this.options.multiRegionEnabled ?? true,
      importRole: this.options.importRole,
      // A literal ARN names the store by its ID (stable when others are added); a token by position.
      key: Token.isUnresolved(this.arn) ? `Store${index}` : eventDataStoreIdOf(this.arn),
      description: Token.isUnresolved(this.arn) ? `the store given by ARN at stores[${index}]` : this.arn,
    };
  }
}

function booleanOf(value: boolean | IResolvable | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  if (Token.isUnresolved(value)) return undefined;
  return value as boolean;
}
