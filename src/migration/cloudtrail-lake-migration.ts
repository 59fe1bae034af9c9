import { Annotations, ArnFormat, Duration, Fn, IResolvable, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as observabilityadmin from 'aws-cdk-lib/aws-observabilityadmin';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IDependable } from 'constructs';
import { mergeSelectors, ongoingLogGroupsOf, RuleSelector, translateSelectors, undeliveredCategories } from './event-selectors';
import { INVESTIGATION_QUERIES, INVESTIGATION_QUERY_FOLDER } from './investigation-queries';
import { MemberDeliveryReader } from './member-delivery-reader';
import { BoundMigrationSource, MigrationSource } from './migration-source';
import { checkMigrationProps, checkStoreEnvironment, OrganizationParts, organizationParts } from './migration-validation';
import { EventDataStoreImport } from '../event-data-store-import/event-data-store-import';
import { checkHistoryStart, warn } from '../event-data-store-import/validation';
import { ImportHandlerOptions } from '../orchestrator/orchestrator-options';
import { checkStackLimits, STACK_LIMITS } from '../shared/stack-limits';
import { TelemetryEvaluation } from '../telemetry-evaluation/telemetry-evaluation';

/** The organisation of organisation event data stores. */
export interface MigrationOrganizationOptions {
  /** The organisation's ID (`o-...`). */
  readonly organizationId: string;

  /**
   * The organisation's management account: where organisation event data stores live and their
   * history is imported, and where the organisation rules are created unless a delegated
   * administrator is given.
   */
  readonly managementAccountId: string;

  /**
   * The CloudWatch delegated administrator account, to create the organisation telemetry rule, its
   * telemetry evaluation and the centralization rule from. The organisation stores' history is
   * still imported (and their Lake ingestion stopped) in the management account: deploy the
   * migration with the same props to both accounts, and each stack creates its part.
   *
   * @default - the organisation rules are created from the management account
   */
  readonly delegatedAdministratorAccountId?: string;

  /**
   * The member accounts an organisation store receives events from (besides the management
   * account), each with a `MemberDeliveryReader`: an organisation telemetry rule delivers into each
   * member account's own log groups, so the cutover waits for the first ongoing event of every one
   * of them, and Lake ingestion stops only while every one of them delivers. Needed for
   * `stopLakeIngestion` of an organisation store.
   *
   * @default - only the management account's own log groups are read: the cutover then holds for
   * the management account's events only
   */
  readonly memberAccountIds?: string[];

  /**
   * The name of the `MemberDeliveryReader` role in each member account.
   *
   * @default MemberDeliveryReader.DEFAULT_ROLE_NAME
   */
  readonly memberReaderRoleName?: string;

  /**
   * Which accounts the organisation telemetry rule covers (its `Scope`), e.g.
   * `OrganizationUnitId = 'ou-abcd-12345678'`.
   *
   * @default - the whole organisation
   */
  readonly ruleScope?: string;
}

/** Copies of the ongoing CloudTrail log groups in one account and region of the organisation. */
export interface MigrationCentralizationOptions {
  /** The account that receives the copies. */
  readonly destinationAccountId: string;

  /** The region that receives the copies. */
  readonly destinationRegion: string;

  /**
   * The regions whose log groups are copied.
   *
   * @default - the stack's region
   */
  readonly sourceRegions?: string[];

  /**
   * A customer managed key in the destination account and region that encrypts every copy the
   * rule creates (its `EncryptionScope` is `NEW_DESTINATION_LOG_GROUPS`: the ongoing CloudTrail
   * groups are encrypted with keys owned by AWS, which the default scope would leave as they are).
   *
   * @default - keys owned by AWS
   */
  readonly destinationKmsKeyArn?: string;

  /**
   * A second region that keeps a backup copy.
   *
   * @default - no backup copy
   */
  readonly backupRegion?: string;

  /**
   * A customer managed key in the destination account and `backupRegion` that encrypts the backup
   * copies. Required with `destinationKmsKeyArn` and `backupRegion` (KMS keys are regional).
   *
   * @default - keys owned by AWS (only without `destinationKmsKeyArn`)
   */
  readonly backupKmsKeyArn?: string;

  /**
   * Copy log groups encrypted with a customer managed key too.
   *
   * @default true
   */
  readonly includeEncryptedLogGroups?: boolean;
}

/** Properties of a `CloudTrailLakeMigration`. */
export interface CloudTrailLakeMigrationProps {
  /** The event data stores to migrate, all in the stack's account and region. */
  readonly stores: MigrationSource[];

  /**
   * Import each store's history into CloudWatch Logs (`aws/cloudtrail/<store id>`), up to the cutover.
   * Leave it on unless the history was imported already.
   *
   * @default true
   */
  readonly importHistory?: boolean;

  /**
   * Where the imported history starts, by event time. Before 1970 is an error; in the future, before
   * 2023, or older than a store keeps events today is a warning (whether the app synthesizes never
   * depends on the day).
   *
   * @default - everything the store keeps
   */
  readonly historyStart?: Date;

  /**
   * How far the import reaches past the cutover: events of this span are in both the imported and
   * the ongoing log groups (and are counted twice by a query over both). Bounds the overlap; no
   * event is ever in neither.
   *
   * @default Duration.minutes(15)
   */
  readonly cutoverOverlap?: Duration;

  /**
   * For multi-region stores: the other regions whose ongoing log groups the cutover and the stop
   * read too. A rule with `AllRegions` delivers into each region's own log groups, so the cutover
   * waits for the first ongoing event in each of them, and Lake ingestion stops only while each
   * delivers. List the regions the store receives events from (and where CloudTrail enablement
   * rules are available).
   *
   * @default - the stack's region only: another region whose delivery starts later than this one's
   * by more than `cutoverOverlap` misses the events of the difference
   */
  readonly cutoverRegions?: string[];

  /**
   * How long the orchestrator waits for the first ongoing event after the telemetry rule exists,
   * before the import fails (and nothing is imported, rather than risk a gap).
   *
   * @default Duration.hours(24)
   */
  readonly cutoverTimeout?: Duration;

  /**
   * Stop each store's Lake ingestion (`StopEventDataStoreIngestion`) after the parallel run, once
   * its import has COMPLETED and ongoing events still arrive. The store and its events stay; it is
   * never deleted. Opt-in.
   *
   * @default false
   */
  readonly stopLakeIngestion?: boolean;

  /**
   * How long Lake and CloudWatch both ingest, from the cutover, before Lake ingestion is stopped
   * (with `stopLakeIngestion`). At least an hour.
   *
   * @default Duration.hours(24)
   */
  readonly parallelRun?: Duration;

  /**
   * How long the ongoing log groups keep events (the telemetry rule's retention): 1 day to 10 years
   * (`RetentionDays.INFINITE` is not allowed).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly ongoingRetention?: logs.RetentionDays;

  /**
   * A customer managed key that encrypts the ongoing log groups the telemetry rules create (the
   * rule destination's `KmsKeyArn`), in the stack's region. Its key policy must let CloudWatch Logs
   * use it for those log groups: for a `kms.Key` of this app the construct adds that statement; for
   * an imported key, add it yourself (see the README).
   *
   * @default - CloudWatch Logs' default encryption
   */
  readonly ongoingEncryptionKey?: kms.IKey;

  /**
   * The organisation, for organisation event data stores: their events keep flowing through an
   * organisation telemetry rule, created from the management account or the delegated
   * administrator; their history is imported in the management account.
   *
   * @default - no organisation stores
   */
  readonly organization?: MigrationOrganizationOptions;

  /**
   * Names of existing CloudTrail telemetry rules in the migration's scope (the account, or the
   * organisation) that the migration accepts. At deploy time any other CloudTrail rule in the scope
   * fails the deployment, since a scope takes one CloudTrail rule and with conflicting rules none of
   * them is applied; a rule named here is tolerated instead and reported in the
   * `Custom::TelemetryEvaluation` answer. Name only rules whose events do not overlap the
   * migration's (`cdk-eventdatastore-import preflight` lists the scope's rules).
   *
   * @default - none: any other CloudTrail rule in the scope fails the deployment
   */
  readonly adoptTelemetryRuleNames?: string[];

  /**
   * Copy the ongoing CloudTrail log groups of the organisation into one account and region
   * (an organisation centralization rule). Needs `organization`.
   *
   * @default - no centralization
   */
  readonly centralization?: MigrationCentralizationOptions;

  /**
   * Save Logs Insights queries for the common investigations, over the imported and the ongoing
   * log groups together.
   *
   * @default true
   */
  readonly savedQueries?: boolean;

  /**
   * The folder of the saved queries in the CloudWatch console.
   *
   * @default 'CloudTrail Lake migration'
   */
  readonly queryFolder?: string;

  /**
   * What deleting the migration does to each history import (see `EventDataStoreImportProps.removalPolicy`).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Keep the deployment waiting until each import has COMPLETED, the cutover included (see
   * `EventDataStoreImportProps.waitForCompletion`).
   *
   * @default false
   */
  readonly waitForCompletion?: boolean;

  /**
   * With `waitForCompletion`: how long the deployment waits (see `EventDataStoreImportProps.completionTimeout`).
   *
   * @default Duration.minutes(50)
   */
  readonly completionTimeout?: Duration;

  /**
   * An SNS topic told when an import ends and when Lake ingestion is stopped (or why not).
   *
   * @default - EventBridge only
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * How the stack's deploy-time orchestrator runs (see `EventDataStoreImportProps.handler`).
   *
   * @default - the orchestrator's defaults
   */
  readonly handler?: ImportHandlerOptions;
}

export const DEFAULT_CUTOVER_OVERLAP = Duration.minutes(15);
export const DEFAULT_PARALLEL_RUN = Duration.hours(24);
const DEFAULT_CUTOVER_TIMEOUT = Duration.hours(24);

interface PlannedStore extends Omit<BoundMigrationSource, 'selectors'> {
  readonly where: string;
  readonly selectors: RuleSelector[] | IResolvable;
  readonly ongoingLogGroupNames: string[];
  readonly organization: boolean;
}

/**
 * Migrates the CloudTrail Lake event data stores of one account and region to CloudWatch, in the
 * four steps of AWS's migration path.
 *
 * 1. History: an `EventDataStoreImport` per store, whose window ends at the cutover.
 * 2. Ongoing events: a CloudWatch telemetry rule (an organisation rule for organisation stores)
 *    with the stores' advanced event selectors carried over; telemetry evaluation is checked and
 *    turned on first.
 * 3. Cutover without a gap: measured at deploy time, after the rule exists: the import ends where
 *    ongoing ingestion demonstrably starts, plus a bounded overlap.
 * 4. Optionally, Lake ingestion stops after the parallel run, on the durable orchestrator.
 *
 * Plus an optional organisation centralization rule, and saved Logs Insights queries over the
 * imported and the ongoing log groups together.
 */
export class CloudTrailLakeMigration extends Construct {
  /** The history imports, one per store (none without `importHistory`). */
  public readonly imports: EventDataStoreImport[];

  /** The telemetry rule for the account's stores, if any. */
  public readonly telemetryRule?: observabilityadmin.CfnTelemetryRule;

  /** The organisation telemetry rule for the organisation stores, if any. */
  public readonly organizationTelemetryRule?: observabilityadmin.CfnOrganizationTelemetryRule;

  /** The organisation centralization rule, with `centralization`. */
  public readonly centralizationRule?: observabilityadmin.CfnOrganizationCentralizationRule;

  /** The saved Logs Insights queries. */
  public readonly queryDefinitions: logs.CfnQueryDefinition[];

  /** The log groups the telemetry rules write ongoing events to (`aws/cloudtrail/managementevents`, `aws/cloudtrail/dataevents`). */
  public readonly ongoingLogGroupNames: string[];

  /** The log groups the history is imported into (`aws/cloudtrail/<store id>`). */
  public readonly historyLogGroupNames: string[];

  /** The bound on the overlap: each import reaches this far past the measured cutover. */
  public readonly cutoverOverlap: Duration;

  constructor(scope: Construct, id: string, props: CloudTrailLakeMigrationProps) {
    super(scope, id);
    checkMigrationProps(props);
    if (props.historyStart !== undefined) checkHistoryStart(this, props.historyStart.getTime());
    checkStackLimits(this);
    this.cutoverOverlap = props.cutoverOverlap ?? DEFAULT_CUTOVER_OVERLAP;
    const importHistory = props.importHistory ?? true;

    const stores = props.stores.map((source, i) => this.plan(source._bind(this, i), `stores[${i}]`, props));
    const accountStores = stores.filter((s) => !s.organization);
    const organizationStores = stores.filter((s) => s.organization);
    // Each part where AWS requires it: the organisation stores' imports in the management account, the organisation rules
    // in the delegated administrator when there is one (the same props deploy both stacks).
    const parts: OrganizationParts = organizationStores.length > 0 || props.centralization
      ? organizationParts(this, props.organization, organizationStores, props.centralization !== undefined)
      : { imports: true, rules: true };
    if (!parts.rules) {
      Annotations.of(this).addInfo(`the organisation telemetry rule${props.centralization ? ' and the centralization rule' : ''} of this migration are created by its ` +
        `stack in the delegated administrator account ${props.organization!.delegatedAdministratorAccountId}; this stack imports the organisation stores' history`);
    }
    const importedStores = stores.filter((s) => !s.organization || parts.imports);
    this.checkMemberDelivery(props, importedStores.filter((s) => s.organization), importHistory);
    this.checkCutoverRegions(props, stores);

    const retentionInDays = props.ongoingRetention ?? logs.RetentionDays.ONE_YEAR;
    const ongoingKey = props.ongoingEncryptionKey;
    const ruleOf = (group: PlannedStore[]) => ({
      resourceType: 'AWS::CloudTrail',
      telemetryType: 'Logs',
      destinationConfiguration: {
        destinationType: 'cloud-watch-logs',
        retentionInDays,
        cloudtrailParameters: { advancedEventSelectors: mergeSelectors(group.map((s) => s.selectors)) },
      },
      // A multi-region store collects every region's events: so does its rule.
      allRegions: group.some((s) => s.multiRegionEnabled !== false) ? true : undefined,
    });
    const ruleDependencies = new Map<PlannedStore, IDependable>();
    // A list token (a CommaDelimitedList parameter, say) reaches the handler joined.
    const adoptList = props.adoptTelemetryRuleNames ?? [];
    const adopted = Token.isUnresolved(adoptList) ? [Fn.join(',', adoptList)] : adoptList;
    if (accountStores.length > 0) {
      const evaluation = TelemetryEvaluation.of(this, 'ACCOUNT', props.handler);
      this.telemetryRule = new observabilityadmin.CfnTelemetryRule(this, 'TelemetryRule', {
        ruleName: Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
        rule: ruleOf(accountStores),
      });
      this.telemetryRule.node.addDependency(evaluation.resource);
      // aws-cdk-lib 2.257's L1 has no KmsKeyArn in the destination configuration.
      if (ongoingKey) this.telemetryRule.addPropertyOverride('Rule.DestinationConfiguration.KmsKeyArn', ongoingKey.keyArn);
      if (accountStores.some((s) => s.multiRegionEnabled !== false)) evaluation.coverAllRegions();
      evaluation.checkCloudTrailRuleConflicts([this.telemetryRule.ruleName]);
      evaluation.adoptCloudTrailRules(adopted);
      accountStores.forEach((s) => ruleDependencies.set(s, this.telemetryRule!));
    }
    if (organizationStores.length > 0 && parts.rules) {
      const evaluation = TelemetryEvaluation.of(this, 'ORGANIZATION', props.handler);
      this.organizationTelemetryRule = new observabilityadmin.CfnOrganizationTelemetryRule(this, 'OrganizationTelemetryRule', {
        ruleName: Names.uniqueResourceName(this, { maxLength: 60, separator: '-' }) + '-org',
        rule: { ...ruleOf(organizationStores), scope: props.organization?.ruleScope },
      });
      this.organizationTelemetryRule.node.addDependency(evaluation.resource);
      if (ongoingKey) this.organizationTelemetryRule.addPropertyOverride('Rule.DestinationConfiguration.KmsKeyArn', ongoingKey.keyArn);
      if (organizationStores.some((s) => s.multiRegionEnabled !== false)) evaluation.coverAllRegions();
      evaluation.checkCloudTrailRuleConflicts([this.organizationTelemetryRule.ruleName!]);
      evaluation.adoptCloudTrailRules(adopted);
      organizationStores.forEach((s) => ruleDependencies.set(s, this.organizationTelemetryRule!));
    }
    this.ongoingLogGroupNames = [...new Set(stores.flatMap((s) => s.ongoingLogGroupNames))];
    if (ongoingKey) this.allowLogsToUseKey(ongoingKey, organizationStores.length > 0, stores.some((s) => s.multiRegionEnabled !== false));

    this.imports = importHistory ? importedStores.map((s) => this.importHistory(s, props, ruleDependencies.get(s))) : [];
    this.historyLogGroupNames = this.imports.map((i) => i.destinationLogGroupName);

    if (props.centralization && parts.rules) this.centralizationRule = this.centralize(props);
    this.queryDefinitions = props.savedQueries === false ? [] : this.saveQueries(props.queryFolder ?? INVESTIGATION_QUERY_FOLDER);
  }

  /** Other regions are measured for multi-region stores, and the stack's own region is measured anyway. */
  private checkCutoverRegions(props: CloudTrailLakeMigrationProps, stores: PlannedStore[]): void {
    const regions = props.cutoverRegions;
    if (!regions) return;
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && regions.includes(region)) {
      throw new Error(`cutoverRegions lists ${region}, the stack's own region, which is measured anyway; list the other regions only`);
    }
    if (stores.every((s) => s.multiRegionEnabled === false)) {
      throw new Error(`cutoverRegions (${regions.join(', ')}) is given, but no store collects events from every region (multiRegionEnabled is false for ` +
        'each): its rule delivers in the stack\'s region only. Leave cutoverRegions out.');
    }
  }

  /** An organisation store's events land in every member account: measured there, or the guarantee stated for what is measured. */
  private checkMemberDelivery(props: CloudTrailLakeMigrationProps, imported: PlannedStore[], importHistory: boolean): void {
    if (imported.length === 0 || !importHistory) return;
    const members = props.organization?.memberAccountIds;
    if (members && members.length > 0) return;
    const names = imported.map((s) => `${s.where} (${s.description})`).join(', ');
    if (props.stopLakeIngestion) {
      throw new Error(`stopLakeIngestion: ${names} ${imported.length === 1 ? 'is an organisation event data store' : 'are organisation event data stores'}, whose ongoing ` +
        'events an organisation telemetry rule delivers into each member account\'s own log groups, and this stack can read only its own: Lake ingestion ' +
        'would stop on a check of one account. Give organization.memberAccountIds (the accounts the store receives events from) and deploy a ' +
        'MemberDeliveryReader in each of them, or migrate without stopLakeIngestion.');
    }
    warn(this, 'organizationCutover', `${names}: the cutover is measured on the management account's own log groups only (organization.memberAccountIds ` +
      'is not given): no gap is guaranteed for the management account\'s events; a member account whose delivery starts later than the management ' +
      'account\'s by more than cutoverOverlap loses the events of the difference. Give organization.memberAccountIds, with a MemberDeliveryReader in each, ' +
      'to measure every member.');
  }

  /** What a store needs: checked environment, translated selectors, and where its ongoing events land. */
  private plan(bound: BoundMigrationSource, where: string, props: CloudTrailLakeMigrationProps): PlannedStore {
    checkStoreEnvironment(this, bound.eventDataStoreArn, where, bound.organizationEnabled === true);
    const translated = translateSelectors(bound.selectors, `${where} advancedEventSelectors`);
    let categories = translated.categories;
    if (categories === undefined) {
      warn(this, 'selectorsToken', `${where} (${bound.description}): its advanced event selectors are tokens, so the construct cannot tell which event categories ` +
        'they collect; the cutover is measured on aws/cloudtrail/managementevents only. Give the selectors as values to measure every category\'s log group.');
      categories = ['Management'];
    }
    const undelivered = undeliveredCategories(categories);
    if (undelivered.length > 0) {
      const why = `${where} (${bound.description}) collects eventCategory ${undelivered.join(', ')}, which CloudWatch telemetry rules do not deliver`;
      if (props.stopLakeIngestion) {
        throw new Error(`stopLakeIngestion: ${why}; stopping Lake ingestion would stop collecting those events anywhere. Migrate this store without stopLakeIngestion.`);
      }
      warn(this, 'undeliveredCategories', `${why}: after the migration, Lake keeps collecting them (its ingestion is not stopped).`);
    }
    const ongoingLogGroupNames = ongoingLogGroupsOf(categories);
    if (ongoingLogGroupNames.length === 0) {
      throw new Error(`stores: ${where} (${bound.description}) collects only ${categories.join(', ')} events, which no telemetry rule delivers: there is nothing to migrate ` +
        'to ongoing ingestion. Import its history with EventDataStoreImport instead.');
    }
    if (bound.organizationEnabled === undefined) {
      throw new Error(`stores: ${where} (${bound.description}): organizationEnabled is a token, so the construct cannot choose between a telemetry rule and an ` +
        'organisation telemetry rule; give it as true or false');
    }
    return { ...bound, where, selectors: translated.selectors, ongoingLogGroupNames, organization: bound.organizationEnabled };
  }

  private importHistory(store: PlannedStore, props: CloudTrailLakeMigrationProps, rule: IDependable | undefined): EventDataStoreImport {
    const history = new EventDataStoreImport(this, `${store.key}History`, {
      source: store.importSource,
      role: store.importRole,
      removalPolicy: props.removalPolicy,
      waitForCompletion: props.waitForCompletion,
      completionTimeout: props.completionTimeout,
      notificationTopic: props.notificationTopic,
      handler: props.handler,
    });
    const members = store.organization ? props.organization?.memberAccountIds : undefined;
    history._endAtCutover({
      startEventTime: props.historyStart?.getTime(),
      logGroupNames: store.ongoingLogGroupNames,
      regions: store.multiRegionEnabled !== false && props.cutoverRegions?.length ? props.cutoverRegions : undefined,
      memberAccounts: members && members.length > 0
        ? { accountIds: members, roleName: props.organization?.memberReaderRoleName ?? MemberDeliveryReader.DEFAULT_ROLE_NAME }
        : undefined,
      overlap: this.cutoverOverlap,
      timeout: props.cutoverTimeout ?? DEFAULT_CUTOVER_TIMEOUT,
    });
    if (props.stopLakeIngestion) history._stopIngestionAfter(props.parallelRun ?? DEFAULT_PARALLEL_RUN);
    // The cutover is measured after the rule exists.
    if (rule) history.node.addDependency(rule);
    return history;
  }

  private centralize(props: CloudTrailLakeMigrationProps): observabilityadmin.CfnOrganizationCentralizationRule {
    const c = props.centralization!;
    const org = props.organization!;
    const rule = new observabilityadmin.CfnOrganizationCentralizationRule(this, 'CentralizationRule', {
      ruleName: Names.uniqueResourceName(this, { maxLength: 60, separator: '-' }) + '-central',
      rule: {
        source: {
          regions: c.sourceRegions ?? [Stack.of(this).region],
          scope: `OrganizationId = '${org.organizationId}'`,
          sourceLogsConfiguration: {
            encryptedLogGroupStrategy: c.includeEncryptedLogGroups === false ? 'SKIP' : 'ALLOW',
            logGroupSelectionCriteria: "LogGroupName LIKE 'aws/cloudtrail/%'",
          },
        },
        destination: {
          account: c.destinationAccountId,
          region: c.destinationRegion,
          destinationLogsConfiguration: {
            logsEncryptionConfiguration: c.destinationKmsKeyArn
              ? { encryptionStrategy: 'CUSTOMER_MANAGED', kmsKeyArn: c.destinationKmsKeyArn }
              : { encryptionStrategy: 'AWS_OWNED' },
            backupConfiguration: c.backupRegion ? { region: c.backupRegion, kmsKeyArn: c.backupKmsKeyArn } : undefined,
          },
        },
      },
    });
    // The default scope (ENCRYPTED_SOURCE_ONLY) would leave the copies of AWS-owned-encrypted groups,
    // the ongoing CloudTrail groups, AWS-owned: encrypt every copy the rule creates. aws-cdk-lib 2.257's L1 lacks the property.
    if (c.destinationKmsKeyArn) {
      rule.addPropertyOverride('Rule.Destination.DestinationLogsConfiguration.LogsEncryptionConfiguration.EncryptionScope', 'NEW_DESTINATION_LOG_GROUPS');
    }
    if (this.organizationTelemetryRule) rule.node.addDependency(this.organizationTelemetryRule);
    return rule;
  }

  /**
   * The key policy of an app's key: CloudWatch Logs encrypts the ongoing CloudTrail log groups with
   * it (this account's; with organisation stores, the member accounts' too). An imported key's
   * policy is the user's to change.
   */
  private allowLogsToUseKey(key: kms.IKey, organization: boolean, allRegions: boolean): void {
    const stack = Stack.of(this);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForOngoingCloudTrailLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs', account: organization ? '*' : stack.account, resource: 'log-group', resourceName: 'aws/cloudtrail/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }));
    if (allRegions) {
      warn(this, 'ongoingEncryptionKeyOneRegion', `ongoingEncryptionKey is a key of one region (${stack.region}), and a store collects events of every region, so its rule covers ` +
        'every region: CloudWatch Logs can use the key only for the log groups of its own region. Check the rule\'s log groups in the other regions, or set multiRegionEnabled: false where a store is single-region.');
    }
  }

  /**
   * One saved query per investigation, over the imported and the ongoing log groups together; past
   * Logs Insights' 50 log groups per query, one per 50 (`<title> (2 of 3)`), each over the ongoing
   * groups and its share of the imported ones.
   */
  private saveQueries(folder: string): logs.CfnQueryDefinition[] {
    const perPart = STACK_LIMITS.logGroupsPerQueryDefinition - this.ongoingLogGroupNames.length;
    const parts: string[][] = [];
    for (let i = 0; i === 0 || i < this.historyLogGroupNames.length; i += perPart) {
      parts.push([...this.historyLogGroupNames.slice(i, i + perPart), ...this.ongoingLogGroupNames]);
    }
    return INVESTIGATION_QUERIES.flatMap((q) => parts.map((logGroupNames, k) => new logs.CfnQueryDefinition(this, k === 0 ? `Query${q.id}` : `Query${q.id}Part${k + 1}`, {
      name: parts.length === 1 ? `${folder}/${q.title}` : `${folder}/${q.title} (${k + 1} of ${parts.length})`,
      queryString: q.logsInsights,
      logGroupNames,
    })));
  }
}
