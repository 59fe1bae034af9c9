/**
 * Synth-time checks of a CloudTrailLakeMigration's props: each error names the prop, the bad value
 * and what is valid. Tokens are never judged by their shape; nothing depends on today's date.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CloudTrailLakeMigrationProps, MigrationCentralizationOptions, MigrationOrganizationOptions } from './cloudtrail-lake-migration';
import { checkRoleName } from './member-delivery-reader';
import { parseEventDataStoreArn } from '../event-data-store-import/validation';
import { TELEMETRY_RULE_NAME } from '../telemetry-evaluation/contract';

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function checkMigrationProps(props: CloudTrailLakeMigrationProps): void {
  if (!props.stores || props.stores.length === 0) {
    throw new Error('stores must name at least one event data store: MigrationSource.fromEventDataStore(store) or MigrationSource.fromEventDataStoreArn(arn, { advancedEventSelectors })');
  }
  checkDuration('cutoverOverlap', props.cutoverOverlap, Duration.minutes(1), Duration.hours(24),
    'it bounds how many events both log groups hold; under a minute leaves no margin for the rule\'s start');
  checkDuration('cutoverTimeout', props.cutoverTimeout, Duration.hours(1), Duration.days(30),
    'the orchestrator waits this long for the first ongoing event');
  checkDuration('parallelRun', props.parallelRun, Duration.hours(1), Duration.days(364),
    'AWS suggests about 24 hours of both ingesting before Lake ingestion stops; a Step Functions execution lasts at most a year');
  if (props.parallelRun && !props.stopLakeIngestion) {
    throw new Error(`parallelRun (${props.parallelRun.toHumanString()}) is given but stopLakeIngestion is not: set stopLakeIngestion: true to stop Lake ingestion after it, or leave parallelRun out`);
  }
  if (props.stopLakeIngestion && props.importHistory === false) {
    throw new Error('stopLakeIngestion needs importHistory: Lake ingestion stops only once the history import has COMPLETED, and with importHistory: false there is none. ' +
      'Import the history here, or stop ingestion by hand after your own import completed (`aws cloudtrail stop-event-data-store-ingestion`).');
  }
  if (props.historyStart !== undefined && props.importHistory === false) {
    throw new Error('historyStart is given but importHistory is false: leave historyStart out, or import the history');
  }
  if (props.organization) checkOrganization(props.organization);
  checkAdoptedRuleNames(props.adoptTelemetryRuleNames);
  if (props.cutoverRegions !== undefined) {
    if (props.cutoverRegions.length === 0) throw new Error('cutoverRegions must not be empty; leave it out to measure the stack\'s region only');
    props.cutoverRegions.forEach((r, i) => checkRegion(`cutoverRegions[${i}]`, r));
    const literal = props.cutoverRegions.filter((r) => !Token.isUnresolved(r));
    const twice = literal.find((r, i) => literal.indexOf(r) !== i);
    if (twice !== undefined) throw new Error(`cutoverRegions lists ${twice} twice; list each region once`);
  }
  if (props.centralization) {
    if (!props.organization) {
      throw new Error('centralization needs organization: centralization rules are organisation rules, created from the management or delegated administrator account');
    }
    checkAccount('centralization.destinationAccountId', props.centralization.destinationAccountId);
    checkRegion('centralization.destinationRegion', props.centralization.destinationRegion);
    props.centralization.sourceRegions?.forEach((r, i) => checkRegion(`centralization.sourceRegions[${i}]`, r));
    if (props.centralization.sourceRegions?.length === 0) throw new Error('centralization.sourceRegions must not be empty; leave it out for the stack\'s region');
    if (props.centralization.backupRegion !== undefined) checkRegion('centralization.backupRegion', props.centralization.backupRegion);
    checkCentralizationKeys(props.centralization);
  }
  checkOngoingDestination(props);
  const folder = props.queryFolder;
  if (folder !== undefined && !Token.isUnresolved(folder) && (folder.length === 0 || folder.length > 100)) {
    throw new Error(`queryFolder must be 1 to 100 characters, got ${JSON.stringify(props.queryFolder)}`);
  }
}

function checkOrganization(org: MigrationOrganizationOptions): void {
  if (!Token.isUnresolved(org.organizationId) && !ORGANIZATION_ID.test(org.organizationId)) {
    throw new Error(`organization.organizationId must be an organisation ID like o-a1b2c3d4e5, got ${JSON.stringify(org.organizationId)}`);
  }
  checkAccount('organization.managementAccountId', org.managementAccountId);
  const members = org.memberAccountIds;
  if (members !== undefined) {
    if (members.length === 0) throw new Error('organization.memberAccountIds must not be empty; leave it out to read the management account only');
    members.forEach((a, i) => checkAccount(`organization.memberAccountIds[${i}]`, a));
    const seen = new Set<string>();
    members.forEach((a, i) => {
      if (Token.isUnresolved(a)) return;
      if (a === org.managementAccountId) {
        throw new Error(`organization.memberAccountIds[${i}] is the management account (${a}), whose own log groups are read anyway; list the member accounts only`);
      }
      if (seen.has(a)) throw new Error(`organization.memberAccountIds[${i}] (${a}) is listed twice; list each member account once`);
      seen.add(a);
    });
  }
  if (org.memberReaderRoleName !== undefined) {
    if (members === undefined) throw new Error('organization.memberReaderRoleName is given but memberAccountIds is not: list the member accounts whose reader role it names');
    checkRoleName(org.memberReaderRoleName, 'organization.memberReaderRoleName');
  }
  const delegated = org.delegatedAdministratorAccountId;
  if (delegated !== undefined) {
    checkAccount('organization.delegatedAdministratorAccountId', delegated);
    if (!Token.isUnresolved(delegated) && delegated === org.managementAccountId) {
      throw new Error(`organization.delegatedAdministratorAccountId is the management account (${delegated}): the management account cannot be its own delegated ` +
        'administrator. Leave delegatedAdministratorAccountId out to create the organisation rules from the management account.');
    }
  }
}

/** Which parts of an organisation's migration a stack creates. */
export interface OrganizationParts {
  /** The history imports of the organisation stores (and the stop of their Lake ingestion): the management account's. */
  readonly imports: boolean;
  /** The organisation telemetry rule, its telemetry evaluation and the centralization rule. */
  readonly rules: boolean;
}

/**
 * Where each part of an organisation's migration is created, as AWS requires it: an organisation
 * store lives in the management account, and an import reads a store of its own account; the
 * organisation rules are created from the delegated administrator when one is given, else from the
 * management account. A stack in any other account is a layout that cannot deploy.
 */
export function organizationParts(scope: Construct, org: MigrationOrganizationOptions | undefined,
  stores: Array<{ where: string; eventDataStoreArn: string }>, centralization: boolean): OrganizationParts {
  const stack = Stack.of(scope);
  if (!org) {
    const names = stores.map((s) => s.where);
    throw new Error(`organization is required: ${names.join(', ')} ${names.length === 1 ? 'is an organisation event data store' : 'are organisation event data stores'}, ` +
      'whose ongoing events flow through an organisation telemetry rule. Give organization: { organizationId, managementAccountId } (and delegatedAdministratorAccountId ' +
      'when the organisation rules are created from it).');
  }
  const management = org.managementAccountId;
  const delegated = org.delegatedAdministratorAccountId;
  for (const store of stores) {
    if (Token.isUnresolved(store.eventDataStoreArn) || Token.isUnresolved(management)) continue;
    const account = parseEventDataStoreArn(store.eventDataStoreArn).account;
    if (account !== management) {
      throw new Error(`stores: ${store.where} (${store.eventDataStoreArn}) is an organisation event data store in account ${account}, but organization.managementAccountId ` +
        `is ${management}: organisation event data stores live in the management account (a delegated administrator manages them, but their ARN carries the ` +
        `management account). Give the store's real ARN, or set organization.managementAccountId to ${account} if that is the management account.`);
    }
  }
  const rulesAccount = delegated ?? management;
  // An environment-agnostic stack is taken for the management account's: the deployment tells.
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(management) || (delegated !== undefined && Token.isUnresolved(delegated))) {
    return { imports: true, rules: delegated === undefined };
  }
  if (stack.account === management) return { imports: true, rules: delegated === undefined };
  if (stack.account === delegated) return { imports: false, rules: true };
  const rulesFrom = delegated === undefined ? `the management account ${management}` : `the delegated administrator ${delegated}`;
  const parts = stores.length > 0
    ? `the history of ${stores.map((s) => s.where).join(', ')} is imported from a stack in the management account ${management} (an import reads a store of its ` +
      `own account), and the organisation telemetry rule${centralization ? ' and the centralization rule are' : ' is'} created from ${rulesFrom}`
    : `organisation centralization rules are created from ${rulesFrom}`;
  const targets = stores.length === 0 || rulesAccount === management ? rulesAccount : `${management} and ${rulesAccount} (the same props in both)`;
  throw new Error(`organization: the stack ${stack.stackName} is in account ${stack.account}, which is neither the management account (${management}) nor the ` +
    `delegated administrator (${delegated ?? 'none given'}): ${parts}. Deploy the migration to ${targets}, or set organization.delegatedAdministratorAccountId ` +
    `to ${stack.account} if this account is the CloudWatch delegated administrator.`);
}

/** A store must be in the stack's account and region (imports are regional; rules deliver this region's events). */
export function checkStoreEnvironment(scope: Construct, eventDataStoreArn: string, where: string, organizationStore: boolean): void {
  if (Token.isUnresolved(eventDataStoreArn)) return;
  let parsed;
  try {
    parsed = parseEventDataStoreArn(eventDataStoreArn);
  } catch {
    throw new Error(`stores: ${where} is ${JSON.stringify(eventDataStoreArn)}, not an event data store ARN; expected arn:<partition>:cloudtrail:<region>:<12-digit account>:eventdatastore/<id>`);
  }
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region) && parsed.region !== stack.region) {
    throw new Error(`stores: ${where} (${eventDataStoreArn}) is in region ${parsed.region}, but the stack ${stack.stackName} is in ${stack.region}. ` +
      `A migration is per account and region: migrate it in a stack in ${parsed.region} (one stage per account and region).`);
  }
  // An organisation store's account is the management account's, checked with the organisation's layout.
  if (!organizationStore && !Token.isUnresolved(stack.account) && parsed.account !== stack.account) {
    throw new Error(`stores: ${where} (${eventDataStoreArn}) is in account ${parsed.account}, but the stack ${stack.stackName} is in ${stack.account}. ` +
      `Migrate it in a stack deployed to ${parsed.account}.`);
  }
}

function checkDuration(name: string, value: Duration | undefined, min: Duration, max: Duration, why: string): void {
  if (value === undefined || Token.isUnresolved(value.toSeconds())) return;
  if (value.toSeconds() < min.toSeconds() || value.toSeconds() > max.toSeconds()) {
    throw new Error(`${name} must be between ${min.toHumanString()} and ${max.toHumanString()}, got ${value.toHumanString()}: ${why}`);
  }
}

function checkAccount(name: string, value: string): void {
  if (!Token.isUnresolved(value) && !ACCOUNT_ID.test(value)) throw new Error(`${name} must be a 12-digit account ID, got ${JSON.stringify(value)}`);
}

function checkRegion(name: string, value: string): void {
  if (!Token.isUnresolved(value) && !REGION.test(value)) throw new Error(`${name} must be a region like eu-west-1, got ${JSON.stringify(value)}`);
}

/** Rule names as the ObservabilityAdmin model allows them; tokens are left to the service. */
function checkAdoptedRuleNames(names: string[] | undefined): void {
  if (names === undefined || Token.isUnresolved(names)) return;
  names.forEach((name, i) => {
    if (Token.isUnresolved(name)) return;
    if (!TELEMETRY_RULE_NAME.test(name)) {
      throw new Error(`adoptTelemetryRuleNames[${i}] must be a telemetry rule name (1 to 100 letters, digits and hyphens), got ${JSON.stringify(name)}`);
    }
  });
}

/** The telemetry rule's destination: retention in the API's range, a key given as a key ARN. */
function checkOngoingDestination(props: CloudTrailLakeMigrationProps): void {
  const days = props.ongoingRetention;
  if (days !== undefined && !Token.isUnresolved(days) && (days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS)) {
    throw new Error(`ongoingRetention must be ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS} days (the telemetry rule's RetentionInDays), got ${days}` +
      (days === RetentionDays.INFINITE ? ' (RetentionDays.INFINITE, which renders 9999): telemetry rules cannot keep events forever; use RetentionDays.TEN_YEARS for the longest' : ''));
  }
  const key = props.ongoingEncryptionKey;
  const aliasName = (key as { aliasName?: unknown } | undefined)?.aliasName;
  if (typeof aliasName === 'string') {
    throw new Error(`ongoingEncryptionKey must be a KMS key, not an alias (${aliasName}): the telemetry rule's KmsKeyArn takes a key ARN ` +
      '(arn:<partition>:kms:<region>:<account>:key/<key id>); use kms.Key.fromKeyArn');
  }
  const keyArn = key?.keyArn;
  if (keyArn !== undefined && !Token.isUnresolved(keyArn) && !KEY_ARN.test(keyArn)) {
    throw new Error(`ongoingEncryptionKey must be a KMS key given by its key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>): the telemetry rule's KmsKeyArn takes no alias, got ${keyArn}`);
  }
}

/** A telemetry rule destination keeps events 1..3653 days (the API's range). */
const MIN_RETENTION_DAYS = 1;
const MAX_RETENTION_DAYS = 3653;
/** The pattern of TelemetryDestinationConfiguration.KmsKeyArn. */
const KEY_ARN = /^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[a-f0-9-]+$/;

/**
 * A destination key encrypts every copy (the rule's EncryptionScope), the backup copy included:
 * KMS keys are regional, so the backup region needs its own key.
 */
function checkCentralizationKeys(c: MigrationCentralizationOptions): void {
  if (c.backupKmsKeyArn !== undefined && c.backupRegion === undefined) {
    throw new Error('centralization.backupKmsKeyArn is given but backupRegion is not: set backupRegion (the key\'s region), or leave backupKmsKeyArn out');
  }
  if (c.destinationKmsKeyArn !== undefined && c.backupRegion !== undefined && c.backupKmsKeyArn === undefined) {
    throw new Error(`centralization.backupKmsKeyArn is required with destinationKmsKeyArn and backupRegion (${c.backupRegion}): the backup copy would otherwise ` +
      `be encrypted with a key owned by AWS. Give a customer managed key of account ${c.destinationAccountId} in ${c.backupRegion} (KMS keys are regional).`);
  }
}
