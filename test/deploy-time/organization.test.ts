/**
 * An organisation event data store's cutover and stop on what ships (the bundled function, the
 * synthesized state machine, the ledger on dynalite, CloudWatch Logs, CloudTrail and STS on their
 * stand-ins), for an organisation of 50 member accounts: an organisation telemetry rule delivers
 * into each member account's own log groups, which the function reads through each member's
 * MemberDeliveryReader role. Each test asserts the final state.
 */
import { Duration } from 'aws-cdk-lib';
import {
  ACCOUNT, endScenario, MANAGEMENT_EVENTS, MIGRATION_CLOCK_BEHIND_MS, MANAGEMENT_SELECTORS, recordsOf, ScenarioWorld, sleep,
  startMigrationScenario, storeArn, until,
} from './scenario-world';
import { MemberDeliveryReader } from '../../src';
import { OwnerRecord } from '../../src/ledger/record';
import * as seq from '../cloudformation-driver/sequences';
import { StsStandIn } from '../stand-in/sts-stand-in';

jest.setTimeout(120_000);

const OVERLAP_MS = 15 * 60_000;
const MEMBERS = Array.from({ length: 50 }, (_, i) => String(300000000000 + i));
const ORGANIZATION = { organizationId: 'o-a1b2c3d4e5', managementAccountId: ACCOUNT, memberAccountIds: MEMBERS };

let s: ScenarioWorld | undefined;
let sts: StsStandIn | undefined;
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  timers.splice(0).forEach((t) => clearInterval(t));
  await endScenario(s);
  await sts?.stop();
  s = undefined;
  sts = undefined;
});

/** The organisation's migration, with every member's reader deployed unless `withoutReader` says otherwise. */
async function start(props: Record<string, unknown> = {}, withoutReader: string[] = []): Promise<ScenarioWorld> {
  sts = await StsStandIn.start();
  for (const m of MEMBERS.filter((a) => !withoutReader.includes(a))) sts.addRole(readerArn(m));
  const world = await startMigrationScenario({ 'store-1': MANAGEMENT_SELECTORS }, { organization: ORGANIZATION, ...props },
    { logs: { autoAdvance: 1 }, organizationStores: true, env: { AWS_ENDPOINT_URL_STS: sts.endpoint } });
  const standIn = sts;
  world.world.logs.accountOfAccessKey = (key) => standIn.accountOf(key);
  return world;
}

function readerArn(account: string): string {
  return `arn:aws:iam::${account}:role/${MemberDeliveryReader.DEFAULT_ROLE_NAME}`;
}

async function record(): Promise<OwnerRecord> {
  const all = await recordsOf(s!);
  return all[all.length - 1];
}

/** When the rule's first ongoing event happened, for a test: 40 minutes ago (see MIGRATION_CLOCK_BEHIND_MS). */
function ruleStarted(): number {
  return Date.now() - 40 * 60_000;
}

function orchestratorNow(): number {
  return Date.now() - MIGRATION_CLOCK_BEHIND_MS;
}

/** An account delivers (undefined: the management account's own groups): its first event (see `ruleStarted`), then one every 200 ms. */
function deliverContinuously(account: string | undefined): void {
  s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }], account);
  timers.push(setInterval(() => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() }], account), 200));
}

describe('the cutover of an organisation store', () => {
  test('members delivering at different times, one joining late: the cutover waits for the last expected account and is its first event', async () => {
    s = await start();
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    const late = MEMBERS[37];
    const first = ruleStarted();
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: first }]);
    // Every other member's first event, a second apart.
    MEMBERS.filter((m) => m !== late).forEach((m, i) => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: first + (i + 1) * 1_000 }], m));
    await until(async () => Object.keys((await record()).cutover?.firstEvents ?? {}).length === MEMBERS.length, 30_000);
    await sleep(500);
    expect(s.world.logs.createdImports()).toEqual([]);
    const waiting = await record();
    expect(waiting.state).toBe('SCHEDULED');
    expect(waiting.cutover?.cutoverTime).toBeUndefined();
    expect(waiting.cutover?.firstEvents?.[`${late}/${MANAGEMENT_EVENTS}`]).toBeUndefined();
    expect(s.world.logLines.join('\n')).toContain(`waiting for the first ongoing event of member account ${late} (of 50)`);

    // The late joiner's first event: after every other account's.
    const joined = first + 10 * 60_000;
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: joined }], late);
    await until(() => s!.world.logs.createdImports().length === 1, 30_000);
    await s.world.idle(30_000);
    const r = await record();
    expect(r.state).toBe('COMPLETED');
    expect(r.cutover?.cutoverTime).toBe(joined);
    expect(Object.keys(r.cutover!.firstEvents!)).toHaveLength(MEMBERS.length + 1);
    expect(r.cutover!.firstEvents![MANAGEMENT_EVENTS]).toBe(first);
    expect(s.world.logs.createdImports()).toHaveLength(1);
    expect(s.world.logs.createdImports()[0].importFilter).toEqual({ endEventTime: joined + OVERLAP_MS });
    // Each member was read with its own reader role.
    expect(new Set(sts!.calls.filter((c) => c.operation === 'AssumeRole').map((c) => c.request.RoleArn))).toEqual(new Set(MEMBERS.map(readerArn)));
  });

  test('a member that never delivers (its reader not deployed): after the timeout nothing is imported, and the message names it', async () => {
    const silent = MEMBERS[12];
    s = await start({ cutoverTimeout: Duration.hours(1) }, [silent]);
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }]);
    MEMBERS.forEach((m) => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }], m));
    await until(async () => (await record()).state === 'FAILED', 60_000);
    await s.world.idle(30_000);
    const r = await record();
    expect(s.world.logs.createdImports()).toEqual([]);
    expect(r.errorMessage).toMatch(new RegExp(`^no ongoing CloudTrail event reached ${MANAGEMENT_EVENTS} of member account ${silent} \\(not readable: AccessDenied: .*\\) \\(of 50\\) within 1 h`));
    expect(r.errorMessage).toContain('MemberDeliveryReader');
  });
});

describe('the stop of an organisation store\'s Lake ingestion', () => {
  const STOP = { stopLakeIngestion: true, parallelRun: Duration.hours(1) };

  test('refused while one member is silent, naming it; stopped once it delivers again', async () => {
    s = await start(STOP);
    const silent = MEMBERS[44];
    deliverContinuously(undefined);
    MEMBERS.filter((m) => m !== silent).forEach((m) => deliverContinuously(m));
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    // The silent member delivered once, just after the resource's creation: its first event; by the stop, not recent.
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: orchestratorNow() }], silent);
    await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
    await until(async () => orchestratorNow() > (await record()).ingestionStop!.dueAt! + 5_000, 60_000);
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    const waiting = await record();
    expect(waiting.state).toBe('COMPLETED');
    expect(waiting.ingestionStop).toMatchObject({ state: 'PENDING', silentAccounts: [silent] });
    expect(s.world.logLines.join('\n')).toContain(`not stopping Lake ingestion yet: no ongoing event in ${MANAGEMENT_EVENTS} of member account ${silent} (of 50)`);

    timers.push(setInterval(() => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() }], silent), 200));
    await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 30_000);
    expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
    expect((await record()).ingestionStop?.silentAccounts).toBeUndefined();
  });
});

describe('a multi-region organisation store (cutoverRegions)', () => {
  const OTHER = 'eu-west-1';

  test('the cutover waits for every member in every region: the last is a member\'s first event in the other region', async () => {
    s = await start({ cutoverRegions: [OTHER] });
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    const first = ruleStarted();
    for (const region of [undefined, OTHER]) {
      s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: first }], undefined, region);
      MEMBERS.filter((m) => !(m === MEMBERS[3] && region === OTHER))
        .forEach((m) => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: first }], m, region));
    }
    await until(async () => Object.keys((await record()).cutover?.firstEvents ?? {}).length === 2 * (MEMBERS.length + 1) - 1, 30_000);
    await sleep(500);
    expect(s.world.logs.createdImports()).toEqual([]);
    expect((await record()).cutover?.firstEvents?.[`${OTHER}:${MEMBERS[3]}/${MANAGEMENT_EVENTS}`]).toBeUndefined();

    const late = first + 7 * 60_000;
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: late }], MEMBERS[3], OTHER);
    await until(() => s!.world.logs.createdImports().length === 1, 30_000);
    await s.world.idle(30_000);
    const r = await record();
    expect(r.cutover?.cutoverTime).toBe(late);
    expect(s.world.logs.createdImports()[0].importFilter).toEqual({ endEventTime: late + OVERLAP_MS });
  });

  test('the stop is refused while the management account\'s own groups of the other region are silent', async () => {
    s = await start({ ...{ stopLakeIngestion: true, parallelRun: Duration.hours(1) }, cutoverRegions: [OTHER] });
    deliverContinuously(undefined);
    MEMBERS.forEach((m) => {
      deliverContinuously(m);
      s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: ruleStarted() }], m, OTHER);
      timers.push(setInterval(() => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() }], m, OTHER), 200));
    });
    await seq.createStack(s.world.driver, s.ids['store-1'], s.props('store-1'));
    // The management account's eu-west-1 delivered once, just after the resource's creation; by the stop, not recent.
    s.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: orchestratorNow() }], undefined, OTHER);
    await until(async () => (await record()).ingestionStop?.dueAt !== undefined, 60_000);
    await until(async () => orchestratorNow() > (await record()).ingestionStop!.dueAt! + 5_000, 60_000);
    expect(s.cloudTrail.stoppedIngestion).toEqual([]);
    expect((await record()).ingestionStop).toMatchObject({ state: 'PENDING', silentAccounts: ['this account'] });
    expect(s.world.logLines.join('\n')).toContain(`not stopping Lake ingestion yet: no ongoing event in ${MANAGEMENT_EVENTS} (${OTHER}) of this account`);
    timers.push(setInterval(() => s!.world.logs.addLogEvents(MANAGEMENT_EVENTS, [{ timestamp: Date.now() }], undefined, OTHER), 200));
    await until(async () => (await record()).ingestionStop?.state === 'STOPPED', 30_000);
    expect(s.cloudTrail.stoppedIngestion).toEqual([storeArn('store-1')]);
  });
});
