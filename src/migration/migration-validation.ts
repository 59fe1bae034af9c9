/**
 * Synth-time checks of a CloudTrailLakeMigration's props: each error names the prop, the bad value
 * and what is valid. Tokens are never judged by their shape; nothing depends on today's date.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CloudTrailLakeMigrationProps, MigrationCentralizationOptions, MigrationOrganizationOptions } from './cloudtrail-lake-migration';
import { parseEventDataStoreArn } from '../event-data-store-import/validation';
import { LAKE_DELIVERY_ALLOWANCE_MS, STOP_GIVE_UP_MS } from '../orchestrator/contract';
import { DEFAULT_POLL_INTERVAL } from '../orchestrator/orchestrator';

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
  checkExecutionHistory(props);
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
  if (props.historyStart !== undefined && Number.isNaN(props.historyStart.getTime())) {
    throw new Error('historyStart is an invalid Date; give a valid one, e.g. new Date(\'2024-01-01T00:00:00Z\')');
  }
  if (props.organization) checkOrganization(props.organization);
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

/** State transitions one poll of a wait loop writes to an execution's history (Wait, Task, Choice). */
const EVENTS_PER_POLL = 9;
/** Of a Standard execution's 25,000 history events, what the migration's waits may use (the rest: queue and import). */
const MIGRATION_HISTORY_BUDGET = 15_000;

/** The waits for the cutover and for a stop that finds no recent events loop once per poll: both must fit an execution's history. */
function checkExecutionHistory(props: CloudTrailLakeMigrationProps): void {
  const poll = props.handler?.pollInterval ?? DEFAULT_POLL_INTERVAL;
  const timeout = props.cutoverTimeout ?? Duration.hours(24);
  if (Token.isUnresolved(poll.toSeconds()) || Token.isUnresolved(timeout.toSeconds())) return;
  const overlap = props.cutoverOverlap ?? Duration.minutes(15);
  if (Token.isUnresolved(overlap.toSeconds())) return;
  // Polled: the wait for the first event, then for the window's end (the overlap plus Lake's allowance), and the stop's retries.
  const others = overlap.toSeconds() + LAKE_DELIVERY_ALLOWANCE_MS / 1000 + (props.stopLakeIngestion ? STOP_GIVE_UP_MS / 1000 : 0);
  const polls = (timeout.toSeconds() + others) / poll.toSeconds();
  if (polls * EVENTS_PER_POLL > MIGRATION_HISTORY_BUDGET) {
    const maxHours = Math.floor(((MIGRATION_HISTORY_BUDGET / EVENTS_PER_POLL) * poll.toSeconds() - others) / 3600);
    throw new Error(`cutoverTimeout (${timeout.toHumanString()}) is too long for handler.pollInterval (${poll.toHumanString()}): the migration's waits ` +
      `poll ${Math.round(polls)} times, more than one Step Functions execution's history holds. ` +
      (maxHours >= 1 ? `Use a cutoverTimeout of at most ${Duration.hours(maxHours).toHumanString()}, or a longer pollInterval.` : 'Use a longer pollInterval.'));
  }
}

function checkOrganization(org: MigrationOrganizationOptions): void {
  if (!Token.isUnresolved(org.organizationId) && !ORGANIZATION_ID.test(org.organizationId)) {
    throw new Error(`organization.organizationId must be an organisation ID like o-a1b2c3d4e5, got ${JSON.stringify(org.organizationId)}`);
  }
  checkAccount('organization.managementAccountId', org.managementAccountId);
  if (org.delegatedAdministratorAccountId !== undefined) checkAccount('organization.delegatedAdministratorAccountId', org.delegatedAdministratorAccountId);
}

/** Organisation rules are created from the management account or the CloudWatch delegated administrator. */
export function checkOrganizationAccount(scope: Construct, org: MigrationOrganizationOptions | undefined, stores: string[]): void {
  const stack = Stack.of(scope);
  if (!org) {
    throw new Error(`organization is required: ${stores.join(', ')} ${stores.length === 1 ? 'is an organisation event data store' : 'are organisation event data stores'}, ` +
      'whose ongoing events flow through an organisation telemetry rule. Give organization: { organizationId, managementAccountId } (and delegatedAdministratorAccountId when deploying from it).');
  }
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(org.managementAccountId)) return;
  const allowed = [org.managementAccountId, org.delegatedAdministratorAccountId].filter((a): a is string => a !== undefined);
  if (allowed.some((a) => Token.isUnresolved(a))) return;
  if (!allowed.includes(stack.account)) {
    throw new Error(`organization.managementAccountId: the stack ${stack.stackName} is in account ${stack.account}, which is neither the management account ` +
      `(${org.managementAccountId}) nor the delegated administrator (${org.delegatedAdministratorAccountId ?? 'none given'}); organisation telemetry rules ` +
      'and organisation event data stores are managed from those. Deploy the migration of the organisation stores to one of them, or set ' +
      'organization.delegatedAdministratorAccountId if this account is the CloudWatch delegated administrator.');
  }
}

/** A store must be in the stack's account and region (imports are regional; rules deliver this region's events). */
export function checkStoreEnvironment(scope: Construct, eventDataStoreArn: string, where: string): void {
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
  if (!Token.isUnresolved(stack.account) && parsed.account !== stack.account) {
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
