/**
 * A deploy-time world for the library itself: a stack synthesized with the construct, its
 * orchestrator's state machine and ledger, and the BUNDLED orchestrator function (what ships).
 */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeployTimeWorld } from './world';
import { CloudTrailLakeMigration, CloudTrailLakeMigrationProps, EventDataStoreImport, EventDataStoreImportProps, ImportSource, ImportTimeRange, MigrationSource } from '../../src';
import { Ledger } from '../../src/ledger/ledger';
import { OwnerRecord } from '../../src/ledger/record';
import { CloudTrailStandIn } from '../stand-in/cloudtrail-stand-in';
import { StandInOptions } from '../stand-in/cloudwatch-logs-stand-in';

export const ASSET = path.join(__dirname, '..', '..', 'assets', 'orchestrator', 'orchestrator.lambda', 'index.js');
export const ACCOUNT = '111122223333';
/** 2025 in full, and the properties of the next half-year (a replacement's new window). */
export const Y2025 = ImportTimeRange.fromEpochMillis(Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1) - 1);
export const H1_2026 = { StartEventTime: String(Date.UTC(2026, 0, 1)), EndEventTime: String(Date.UTC(2026, 6, 1) - 1) };
/** The destination of the default store, `store-1`. */
export const LOG_GROUP = 'aws/cloudtrail/store-1';
export const REGION = 'us-east-1';

export function storeArn(id = 'store-1'): string {
  return `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:eventdatastore/${id}`;
}

export type ImportDeclaration = Partial<Omit<EventDataStoreImportProps, 'source'>> & { readonly store?: string };

/** Synthesizes a stack with these imports (logical ID = construct ID + hash, see `logicalIds`). */
export function synthesize(imports: Record<string, ImportDeclaration>): { template: any; logicalIds: Record<string, string> } {
  const stack = new Stack(new App(), 'ImportStack', { env: { account: ACCOUNT, region: REGION } });
  const constructs = Object.entries(imports).map(([id, { store, ...props }]) =>
    [id, new EventDataStoreImport(stack, id, { source: ImportSource.fromEventDataStoreArn(storeArn(store)), ...props })] as const);
  const logicalIds = Object.fromEntries(constructs.map(([id, c]) => [id, stack.getLogicalId(c.node.defaultChild as any)]));
  return { template: Template.fromStack(stack).toJSON(), logicalIds };
}

export interface ScenarioOptions {
  readonly logs?: StandInOptions;
  readonly serviceTimeoutMs?: number;
  /** The stores' retention period, as CloudTrail reports it. Default 3653 days. */
  readonly retentionDays?: number;
  /**
   * Real time per simulated time: the state machine's Waits and Retries and the function's own
   * waits (default 0.001 for the function, the stand-in's default for the state machine).
   */
  readonly timeScale?: number;
  /** Longest compressed Wait or Retry interval of the state machine, ms (the stand-in's default unless given). */
  readonly maxWaitMs?: number;
  /** Wait states timed from the input (the parallel run's end), ms: the stand-in's default unless given. */
  readonly dynamicWaitMs?: number;
  /** More environment for the bundle (wins over the defaults), e.g. another service's endpoint. */
  readonly env?: Record<string, string>;
  /** Changes the synthesized template before the world runs it (e.g. a definition without a feature, to show what it prevents). */
  readonly rewriteTemplate?: (template: any) => any;
  /** The migration's stores are organisation event data stores (of this, the management account). */
  readonly organizationStores?: boolean;
}

export interface ScenarioWorld {
  readonly world: DeployTimeWorld;
  /** GetEventDataStore, for the retention check on Create. */
  readonly cloudTrail: CloudTrailStandIn;
  /** The custom resource's logical ID, by construct ID. */
  readonly ids: Record<string, string>;
  /** The custom resource's properties as CloudFormation sends them, by construct ID. */
  props(id: string, changes?: Record<string, unknown>): Record<string, unknown>;
}

export async function startScenario(imports: Record<string, ImportDeclaration>, options: ScenarioOptions = {}): Promise<ScenarioWorld> {
  const { template, logicalIds } = synthesize(imports);
  return startWorld(template, logicalIds, Object.values(imports).map((d) => storeArn(d.store)), options);
}

/**
 * In a migration scenario the orchestrator's clock runs this far behind the stand-ins': its waits
 * are compressed but event times are not, so a cutover of the stand-ins' "now" would put the
 * window's end in their future, which CreateImportTask refuses; deployed, the orchestrator waits.
 * Ongoing events of a test are stamped from `Date.now() - 40 min`: after the resource's creation
 * by the orchestrator's clock, and far enough in the stand-ins' past.
 */
export const MIGRATION_CLOCK_BEHIND_MS = 45 * 60_000;

/** The management events of a store, as its selectors say. */
export const MANAGEMENT_SELECTORS = [{ name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] }];
export const MANAGEMENT_EVENTS = 'aws/cloudtrail/managementevents';
export const DATA_EVENTS = 'aws/cloudtrail/dataevents';

/**
 * A stack with a CloudTrailLakeMigration of stores by ARN (`store-1`, ...), each with the given
 * selectors; `ids` names each store's import by the store's ID.
 */
export async function startMigrationScenario(
  stores: Record<string, typeof MANAGEMENT_SELECTORS>, props: Partial<CloudTrailLakeMigrationProps> = {}, options: ScenarioOptions = {},
): Promise<ScenarioWorld> {
  const stack = new Stack(new App(), 'MigrationStack', { env: { account: ACCOUNT, region: REGION } });
  const migration = new CloudTrailLakeMigration(stack, 'Migration', {
    stores: Object.entries(stores).map(([id, advancedEventSelectors]) =>
      MigrationSource.fromEventDataStoreArn(storeArn(id), { advancedEventSelectors, organizationEnabled: options.organizationStores })),
    ...props,
  });
  const logicalIds = Object.fromEntries(Object.keys(stores).map((id, i) => [id, stack.getLogicalId(migration.imports[i].node.defaultChild as any)]));
  // The function's clock runs behind the stand-ins' (see MIGRATION_CLOCK_BEHIND_MS).
  const env = { ORCHESTRATOR_CLOCK_OFFSET_MS: String(-MIGRATION_CLOCK_BEHIND_MS), ...options.env };
  return startWorld(Template.fromStack(stack).toJSON(), logicalIds, Object.keys(stores).map((id) => storeArn(id)), { ...options, env });
}

async function startWorld(template: any, logicalIds: Record<string, string>, storeArns: string[], options: ScenarioOptions): Promise<ScenarioWorld> {
  const cloudTrail = await CloudTrailStandIn.start();
  const retentionPeriod = options.retentionDays ?? 3653;
  for (const arn of storeArns) cloudTrail.addStore({ arn, retentionPeriod });
  const world = await DeployTimeWorld.start({
    template: options.rewriteTemplate ? options.rewriteTemplate(template) : template,
    asset: ASSET,
    logs: { account: ACCOUNT, autoAdvance: 1, ...options.logs },
    serviceTimeoutMs: options.serviceTimeoutMs ?? 10_000,
    timeScale: options.timeScale,
    maxWaitMs: options.maxWaitMs,
    dynamicWaitMs: options.dynamicWaitMs,
    env: {
      // The function's own waits (by default: IAM retries 240 ms, settle period 180 ms).
      ORCHESTRATOR_TIME_SCALE: String(options.timeScale ?? 0.001),
      // Anything not given a stand-in goes nowhere: a closed loopback port, never AWS.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.endpoint,
      ...options.env,
    },
  });
  const close = world.close.bind(world);
  world.close = async () => { await cloudTrail.stop(); await close(); };
  for (const arn of storeArns) world.logs.addEventDataStore({ arn, retentionDays: retentionPeriod });
  return {
    world,
    cloudTrail,
    ids: logicalIds,
    props: (id, changes = {}) => ({ ...world.properties(logicalIds[id]), ...changes }),
  };
}

/** The ledger's records, oldest first. */
export async function recordsOf(s: ScenarioWorld): Promise<OwnerRecord[]> {
  const client = s.world.dynamodb.client();
  const all = await new Ledger(client, String(s.world.properties(s.world.resources[0]).LedgerTableName)).allRecords();
  client.destroy();
  return all;
}

/** Faults off, imports a test left running ended, executions finished: then the world closes. */
export async function endScenario(s: ScenarioWorld | undefined): Promise<void> {
  if (!s) return;
  s.world.logs.clearFaults();
  s.world.logs.options.listingLagMs = 0;
  for (const i of s.world.logs.imports.filter((x) => x.importStatus === 'IN_PROGRESS')) s.world.logs.completeImport(i.importId);
  await s.world.idle(30_000);
  await s.world.close();
}

export async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
