/**
 * `status` for a CloudTrailLakeMigration's records: where the cutover stands, the stop of Lake
 * ingestion, and whether the telemetry rule delivers (FilterLogEvents on the CloudWatch Logs stand-in).
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FakeStream, Fixture, STORE_A, STORE_B } from './helpers';
import { ownerRecord } from './ledger-fixture';
import { CutoverPlan, IngestionStopPlan, OwnerRecord } from '../../src/ledger/record';
import { main } from '../../src/status/cli';
import { checkDelivery, ImportCollector, ImportView } from '../../src/status/collect';
import { recordRefs } from '../../src/status/ledger-views';
import { migrationLines, renderPlain, toJson } from '../../src/status/render';
import { cloudWatchLogsClientFor } from '../stand-in/cloudwatch-logs-stand-in';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MANAGEMENT = 'aws/cloudtrail/managementevents';
const DATA = 'aws/cloudtrail/dataevents';
const TABLE = 'Migration-Ledger-1A2B3C4D';
const PLAN: CutoverPlan = { logGroupNames: [MANAGEMENT, DATA], overlapMs: 15 * MINUTE, timeoutMs: 24 * HOUR };

function migrationRecord(overrides: Partial<OwnerRecord> = {}): OwnerRecord {
  return ownerRecord({ logicalResourceId: 'StoreHistory', sourceArn: STORE_A, state: 'SCHEDULED', createdAt: T0, cutover: PLAN, ...overrides });
}

/** The view of a record as the collector makes it (without an import). */
function viewOf(record: OwnerRecord, extra: Partial<ImportView> = {}): ImportView {
  return {
    status: record.state === 'SCHEDULED' ? 'QUEUED' : record.state,
    importSourceArn: record.sourceArn,
    bytesImported: 0,
    batches: { total: 0, completed: 0, failed: 0, inProgress: 0, cancelled: 0 },
    failedBatches: [],
    record: recordRefs([record]).get(record.sk),
    ...extra,
  };
}

const text = (record: OwnerRecord, extra: Partial<ImportView> = {}) => migrationLines(viewOf(record, extra)).map((l) => l.text);

describe('the cutover', () => {
  test('waiting for the first ongoing event in the groups that have none yet', () => {
    expect(text(migrationRecord({ cutover: { ...PLAN, firstEvents: { [MANAGEMENT]: T0 + MINUTE } } }))).toEqual([
      'cutover: waiting for the first ongoing event in aws/cloudtrail/dataevents (since 2026-11-25T12:00:00.000Z, gives up at 2026-11-26T12:00:00.000Z)',
    ]);
    // The whole text: the queue line ("waiting for a free import slot") would be wrong before the cutover.
    expect(renderPlain([viewOf(migrationRecord())], { color: false, shortSource: false, selection: { kind: 'ledger', tableName: TABLE } }).split('\n').slice(2, 4)).toEqual([
      expect.stringMatching(/^\(queued\) +QUEUED /),
      '    cutover: waiting for the first ongoing event in aws/cloudtrail/managementevents, aws/cloudtrail/dataevents (since 2026-11-25T12:00:00.000Z, gives up at 2026-11-26T12:00:00.000Z)',
    ]);
  });

  test('measured, before the import starts: the window\'s end and when the import is created', () => {
    const cutover = { ...PLAN, cutoverTime: T0 + 10 * MINUTE, readyAt: T0 + 40 * MINUTE };
    expect(text(migrationRecord({ cutover }))).toEqual([
      'cutover at 2026-11-25T12:10:00.000Z, window ends 2026-11-25T12:25:00.000Z (overlap 15 min); import created from 2026-11-25T12:40:00.000Z',
    ]);
  });

  test('measured, the import started: the cutover and the window', () => {
    const cutover = { ...PLAN, cutoverTime: T0 + 10 * MINUTE, readyAt: T0 + 40 * MINUTE };
    expect(text(migrationRecord({ cutover, state: 'STARTED', importId: 'imp-1' }))).toEqual([
      'cutover at 2026-11-25T12:10:00.000Z, window ends 2026-11-25T12:25:00.000Z (overlap 15 min)',
    ]);
  });

  test('a failed cutover has no waiting line (its error says why)', () => {
    expect(text(migrationRecord({ state: 'FAILED', errorMessage: 'no ongoing CloudTrail event reached ...' }))).toEqual([]);
  });
});

describe('an organisation store\'s member accounts', () => {
  const MEMBERS = Array.from({ length: 12 }, (_, i) => String(300000000000 + i));
  const ORG_PLAN: CutoverPlan = { ...PLAN, logGroupNames: [MANAGEMENT], memberAccounts: MEMBERS, memberRoleName: 'reader' };
  const delivered = (accounts: string[]) => Object.fromEntries([[MANAGEMENT, T0], ...accounts.map((a) => [`${a}/${MANAGEMENT}`, T0 + MINUTE])]);

  test('before the cutover: delivering, expected, and the accounts not delivering yet', () => {
    const record = migrationRecord({ cutover: { ...ORG_PLAN, firstEvents: delivered(MEMBERS.slice(0, 9)) } });
    expect(text(record)).toEqual([
      'cutover: waiting for the first ongoing event of the member accounts (since 2026-11-25T12:00:00.000Z, gives up at 2026-11-26T12:00:00.000Z)',
      'member accounts: 9 of 12 delivering; not yet delivering: 300000000009, 300000000010, 300000000011',
    ]);
    expect(toJson([viewOf(record)])[0].migration!.accounts).toEqual({ expected: MEMBERS, delivering: MEMBERS.slice(0, 9), silent: MEMBERS.slice(9) });
  });

  test('the stop waiting for a silent member: named', () => {
    const record = migrationRecord({
      cutover: { ...ORG_PLAN, firstEvents: delivered(MEMBERS), cutoverTime: T0 + MINUTE },
      state: 'COMPLETED',
      importId: 'imp-1',
      ingestionStop: { parallelRunMs: HOUR, state: 'PENDING', dueAt: T0 + 2 * HOUR, silentAccounts: [MEMBERS[4]] },
    });
    expect(text(record).slice(1)).toEqual([
      'member accounts: 11 of 12 delivering; silent within the last hour: 300000000004',
      'Lake ingestion: stop pending at 2026-11-25T14:00:00.000Z',
    ]);
    expect(toJson([viewOf(record)])[0].migration!.accounts!.silent).toEqual([MEMBERS[4]]);
  });

  test('stopped: every member delivering; a store without members has no accounts', () => {
    const record = migrationRecord({
      cutover: { ...ORG_PLAN, firstEvents: delivered(MEMBERS), cutoverTime: T0 + MINUTE },
      state: 'COMPLETED',
      importId: 'imp-1',
      ingestionStop: { parallelRunMs: HOUR, state: 'STOPPED', stoppedAt: T0 + 3 * HOUR },
    });
    expect(text(record)[1]).toBe('member accounts: 12 of 12 delivering');
    expect(toJson([viewOf(migrationRecord())])[0].migration!.accounts).toBeNull();
  });
});

describe('the stop of Lake ingestion', () => {
  const measured = { ...PLAN, cutoverTime: T0, readyAt: T0 + 30 * MINUTE };
  const stopLine = (stop: IngestionStopPlan) => text(migrationRecord({ cutover: measured, state: 'COMPLETED', importId: 'imp-1', ingestionStop: stop })).slice(1);

  test.each<[string, IngestionStopPlan, string]>([
    ['pending, due', { parallelRunMs: 24 * HOUR, state: 'PENDING', dueAt: T0 + 24 * HOUR }, 'Lake ingestion: stop pending at 2026-11-26T12:00:00.000Z'],
    ['pending, not due yet', { parallelRunMs: 24 * HOUR, state: 'PENDING' }, 'Lake ingestion: stop pending (1d 00h after the cutover, once the import has completed)'],
    ['stopped', { parallelRunMs: 24 * HOUR, state: 'STOPPED', stoppedAt: T0 + 25 * HOUR, message: 'Lake ingestion stopped after the parallel run' }, 'Lake ingestion: stopped at 2026-11-26T13:00:00.000Z'],
    ['skipped', { parallelRunMs: HOUR, state: 'SKIPPED', message: 'the import ended FAILED, not COMPLETED: Lake ingestion keeps running, so no history is lost' },
      'Lake ingestion: not stopped: the import ended FAILED, not COMPLETED: Lake ingestion keeps running, so no history is lost'],
    ['cancelled', { parallelRunMs: HOUR, state: 'CANCELLED', message: 'the resource was deleted before the parallel run ended: Lake ingestion keeps running' },
      'Lake ingestion: not stopped: the resource was deleted before the parallel run ended: Lake ingestion keeps running'],
    ['failed', { parallelRunMs: HOUR, state: 'FAILED', message: 'Lake ingestion keeps running: AccessDeniedException' }, 'Lake ingestion: not stopped: Lake ingestion keeps running: AccessDeniedException'],
  ])('%s', (_name, stop, line) => {
    expect(stopLine(stop)).toEqual([line]);
  });

  test('--json: the migration part, null for a plain import', () => {
    const stop: IngestionStopPlan = { parallelRunMs: 24 * HOUR, state: 'PENDING', dueAt: T0 + 24 * HOUR };
    const record = migrationRecord({ cutover: { ...measured, firstEvents: { [MANAGEMENT]: T0 - MINUTE, [DATA]: T0 } }, ingestionStop: stop });
    const [migration, plain] = toJson([
      viewOf(record, { delivery: [{ logGroupName: MANAGEMENT, state: 'delivering' }, { logGroupName: DATA, state: 'unknown', error: 'AccessDeniedException: no' }] }),
      viewOf(ownerRecord({ logicalResourceId: 'Plain', sourceArn: STORE_B, state: 'SCHEDULED', createdAt: T0 })),
    ]);
    expect(migration.migration).toEqual({
      cutover: {
        logGroupNames: [MANAGEMENT, DATA],
        overlapSeconds: 900,
        timeoutSeconds: 86400,
        firstEvents: { [MANAGEMENT]: '2026-11-25T11:59:00.000Z', [DATA]: '2026-11-25T12:00:00.000Z' },
        cutoverTime: '2026-11-25T12:00:00.000Z',
        windowEnd: '2026-11-25T12:15:00.000Z',
        readyAt: '2026-11-25T12:30:00.000Z',
      },
      ingestionStop: { state: 'PENDING', parallelRunSeconds: 86400, dueAt: '2026-11-26T12:00:00.000Z', stoppedAt: null, message: null },
      delivery: [{ logGroupName: MANAGEMENT, state: 'delivering', error: null }, { logGroupName: DATA, state: 'unknown', error: 'AccessDeniedException: no' }],
      accounts: null,
    });
    expect(plain.migration).toBeNull();
  });
});

describe('the rule delivers (FilterLogEvents on the stand-in)', () => {
  let fx: Fixture;
  let logs: CloudWatchLogsClient;

  beforeEach(async () => {
    fx = await Fixture.start();
    logs = cloudWatchLogsClientFor(fx.logs, { maxAttempts: 1 });
  });

  afterEach(async () => {
    logs.destroy();
    await fx.stop();
  });

  test('an event within the last hour, none, no group yet, access denied', async () => {
    fx.logs.addLogEvents(MANAGEMENT, [{ timestamp: T0 - 3 * HOUR }, { timestamp: T0 - 10 * MINUTE }]);
    fx.logs.addLogEvents(DATA, [{ timestamp: T0 - 2 * HOUR }]);
    expect(await checkDelivery(logs, MANAGEMENT, T0)).toEqual({ logGroupName: MANAGEMENT, state: 'delivering' });
    expect(await checkDelivery(logs, DATA, T0)).toEqual({ logGroupName: DATA, state: 'silent' });
    expect(await checkDelivery(logs, 'aws/cloudtrail/nothing-yet', T0)).toEqual({ logGroupName: 'aws/cloudtrail/nothing-yet', state: 'silent' });
    const requests = fx.logs.calls.filter((c) => c.operation === 'FilterLogEvents').map((c) => c.request);
    expect(requests[0]).toEqual({ logGroupName: MANAGEMENT, startTime: T0 - HOUR, limit: 1 });

    fx.logs.accessDeniedFirst(1, 'FilterLogEvents');
    expect(await checkDelivery(logs, MANAGEMENT, T0)).toEqual({
      logGroupName: MANAGEMENT, state: 'unknown', error: 'AccessDeniedException: User is not authorized to perform this action (stand-in fault)',
    });
    expect(fx.logs.shapeViolations).toEqual([]);
  });

  test('--ledger: each group checked once; the lines under the record; plain imports unchanged and not checked', async () => {
    const ledger = await fx.createLedger(TABLE);
    const migration = migrationRecord({ cutover: { ...PLAN, cutoverTime: T0 - 2 * HOUR, readyAt: T0 - HOUR }, state: 'STARTED', importId: undefined });
    const second = migrationRecord({ logicalResourceId: 'OtherHistory', sourceArn: STORE_B, createdAt: T0 - MINUTE, cutover: { ...PLAN, logGroupNames: [MANAGEMENT] } });
    const plain = ownerRecord({ logicalResourceId: 'Plain', sourceArn: STORE_B, state: 'SCHEDULED', createdAt: T0 - 5 * MINUTE });
    for (const r of [migration, second, plain]) await ledger.create(r);
    fx.logs.addLogEvents(MANAGEMENT, [{ timestamp: T0 - 5 * MINUTE }]);
    fx.logs.accessDeniedFirst(1, 'FilterLogEvents');

    const collector = new ImportCollector({ logs, dynamodb: fx.dynamodb.client({ region: 'us-east-1' }) }, { now: () => T0, concurrency: 1 });
    const views = await collector.collect({ kind: 'ledger', tableName: TABLE });
    expect(fx.logs.calls.filter((c) => c.operation === 'FilterLogEvents').map((c) => c.request.logGroupName)).toEqual([MANAGEMENT, DATA]);
    const byId = (id: string) => views.find((v) => v.record?.logicalResourceId === id)!;
    expect(byId('StoreHistory').delivery).toEqual([
      { logGroupName: MANAGEMENT, state: 'unknown', error: 'AccessDeniedException: User is not authorized to perform this action (stand-in fault)' },
      { logGroupName: DATA, state: 'silent' },
    ]);
    expect(byId('OtherHistory').delivery).toEqual([byId('StoreHistory').delivery![0]]);
    expect(byId('Plain').delivery).toBeUndefined();

    // The command: the delivery lines, and access denied does not fail it.
    const stdout = new FakeStream();
    const stderr = new FakeStream();
    const code = await main(['status', '--ledger', TABLE], { stdout, stderr, env: {}, now: () => T0 });
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    expect(stdout.text).toContain([
      '    cutover at 2026-11-25T10:00:00.000Z, window ends 2026-11-25T10:15:00.000Z (overlap 15 min)',
      '    ongoing aws/cloudtrail/managementevents: delivering (an event within the last hour)',
      '    ongoing aws/cloudtrail/dataevents: no event within the last hour',
    ].join('\n'));
    expect(stdout.text).toContain('    ongoing aws/cloudtrail/managementevents: delivering (an event within the last hour)\n');
    const plainLines = stdout.text.split('\n').filter((_line, i, all) => i > 0 && all[i - 1].includes('Plain'));
    expect(plainLines).toEqual([expect.stringMatching(/^ {4}queued: /)]);
  });
});
