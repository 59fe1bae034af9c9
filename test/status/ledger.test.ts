/**
 * `status --stack` and `status --ledger`: the owner records of a ledger on dynalite (table made
 * with the synthesized Ledger's key schema, records written with the Ledger class), joined with
 * the CloudWatch Logs stand-in's imports and, for --stack, the CloudFormation stand-in's resources.
 */
import { FakeStream, Fixture, REGION, STORE_A, STORE_B } from './helpers';
import { ownerRecord, stackResources } from './ledger-fixture';
import { Ledger } from '../../src/ledger/ledger';
import { OwnerRecord } from '../../src/ledger/record';
import { CliIo, main } from '../../src/status/cli';
import { LEDGER_LOGICAL_ID } from '../../src/status/ledger-views';
import { ImportStatusJson } from '../../src/status/render';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const MINUTE = 60_000;
const TABLE = 'Migration-Ledger-1A2B3C4D';

let fx: Fixture;
let stdout: FakeStream;
let stderr: FakeStream;
let ledger: Ledger;

beforeEach(async () => {
  fx = await Fixture.start();
  stdout = new FakeStream();
  stderr = new FakeStream();
  ledger = await fx.createLedger(TABLE);
});

afterEach(async () => {
  await fx.stop();
});

function run(args: string[], io: Partial<CliIo> = {}): Promise<number> {
  return main(args, { stdout, stderr, env: {}, ...io });
}

async function put(...records: OwnerRecord[]): Promise<OwnerRecord[]> {
  for (const record of records) expect(await ledger.create(record)).toBe(true);
  return records;
}

function lines(): string[] {
  return stdout.text.trimEnd().split('\n');
}

function json(): ImportStatusJson[] {
  return JSON.parse(stdout.text);
}

test('the synthesized ledger is found by its logical ID', () => {
  expect(fx.synthesized().ledgerLogicalId).toMatch(LEDGER_LOGICAL_ID);
  expect(fx.synthesized().table.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
});

describe('--ledger', () => {
  test('queued records with their place in the queue (by age among the SCHEDULED ones), then the others', async () => {
    const running = fx.logs.addImport({ importSourceArn: STORE_A, creationTime: T0 });
    // Written out of order: the place is by createdAt.
    await put(
      ownerRecord({ logicalResourceId: 'Import3', sourceArn: STORE_B, state: 'SCHEDULED', createdAt: T0 + 3 * MINUTE }),
      ownerRecord({ logicalResourceId: 'Import1', sourceArn: STORE_B, state: 'SCHEDULED', createdAt: T0 + 1 * MINUTE }),
      ownerRecord({ logicalResourceId: 'Running', sourceArn: STORE_A, state: 'STARTED', createdAt: T0, importId: running.importId }),
      ownerRecord({ logicalResourceId: 'Import2', sourceArn: STORE_B, state: 'SCHEDULED', createdAt: T0 + 2 * MINUTE }),
    );
    expect(await run(['status', '--ledger', TABLE])).toBe(0);
    expect(lines()).toEqual([
      `4 imports in ledger ${TABLE} in ${REGION}: 1 in progress, 3 queued`,
      expect.stringMatching(/^IMPORT ID\s+STATUS\s+PROGRESS\s+BATCHES\s+BYTES\s+ELAPSED\s+RESOURCE \/ SOURCE$/),
      expect.stringMatching(new RegExp(`^\\(queued\\)\\s+QUEUED\\s+\\[-{20}\\]\\s+0/0\\s+0 B\\s+-  Import1  ${STORE_B}$`)),
      '    queued: 1 of 3 in the ledger\'s queue, waiting for a free import slot (scheduled 2026-11-25T12:01:00.000Z)',
      expect.stringMatching(/^\(queued\)\s+QUEUED .* Import2  /),
      '    queued: 2 of 3 in the ledger\'s queue, waiting for a free import slot (scheduled 2026-11-25T12:02:00.000Z)',
      expect.stringMatching(/^\(queued\)\s+QUEUED .* Import3  /),
      '    queued: 3 of 3 in the ledger\'s queue, waiting for a free import slot (scheduled 2026-11-25T12:03:00.000Z)',
      expect.stringMatching(new RegExp(`^${running.importId}  IN_PROGRESS  \\[-{20}\\]\\s+0/4 .* Running  ${STORE_A}$`)),
    ]);

    stdout.text = '';
    expect(await run(['status', '--ledger', TABLE, '--json'])).toBe(0);
    expect(json().map((v) => [v.logicalResourceId, v.status, v.state, v.queuePosition])).toEqual([
      ['Import1', 'QUEUED', 'SCHEDULED', { position: 1, of: 3 }],
      ['Import2', 'QUEUED', 'SCHEDULED', { position: 2, of: 3 }],
      ['Import3', 'QUEUED', 'SCHEDULED', { position: 3, of: 3 }],
      ['Running', 'IN_PROGRESS', 'STARTED', null],
    ]);
  });

  test('each state: starting, started, finished, failed, cancelled, withdrawn, retired', async () => {
    const completed = fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED', creationTime: T0 - 90 * MINUTE, lastUpdatedTime: T0 - 30 * MINUTE });
    const failed = fx.logs.addImport({ importSourceArn: STORE_B, importStatus: 'FAILED', errorMessage: 'The role cannot read the store' });
    const cancelled = fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'CANCELLED' });
    const retained = fx.logs.addImport({ importSourceArn: STORE_B });
    const [creating, uncertain] = await put(
      ownerRecord({ logicalResourceId: 'Creating', sourceArn: STORE_A, state: 'CREATING', createdAt: T0 + 6, createSentAt: T0 + 7 * MINUTE }),
      ownerRecord({ logicalResourceId: 'Uncertain', sourceArn: STORE_A, state: 'UNCERTAIN', createdAt: T0 + 5, createSentAt: T0 + 8 * MINUTE }),
      ownerRecord({ logicalResourceId: 'Completed', sourceArn: STORE_A, state: 'COMPLETED', createdAt: T0 + 4, importId: completed.importId }),
      ownerRecord({
        logicalResourceId: 'Failed',
        sourceArn: STORE_B,
        state: 'FAILED',
        createdAt: T0 + 3,
        importId: failed.importId,
        errorMessage: 'Import x FAILED: The role cannot read the store. Batch batch-0001: The role cannot read the store.',
      }),
      ownerRecord({ logicalResourceId: 'Cancelled', sourceArn: STORE_A, state: 'CANCELLED', createdAt: T0 + 2, importId: cancelled.importId, errorMessage: 'cancelled by a person' }),
      ownerRecord({ logicalResourceId: 'Retained', sourceArn: STORE_B, state: 'STARTED', createdAt: T0 + 1, importId: retained.importId, retiredAt: T0 + 9 * MINUTE }),
      ownerRecord({
        logicalResourceId: 'Withdrawn',
        sourceArn: STORE_B,
        state: 'WITHDRAWN',
        createdAt: T0,
        retiredAt: T0 + 10 * MINUTE,
        errorMessage: 'withdrawn before it started: nothing was imported',
      }),
      ownerRecord({ logicalResourceId: 'NoCreate', sourceArn: STORE_B, state: 'FAILED', createdAt: T0 - 1, errorMessage: 'CreateImportTask failed: AccessDeniedException' }),
    );
    expect(await run(['status', '--ledger', TABLE])).toBe(1); // FAILED ones
    expect(lines()[0]).toBe(`8 imports in ledger ${TABLE} in ${REGION}: 1 in progress, 2 starting, 1 completed, 2 failed, 1 cancelled, 1 withdrawn`);
    const body = lines().slice(2).join('\n');
    // Starting ones first (no import ID yet), then newest first; the retired ones last.
    expect(lines().slice(2).filter((l) => !l.startsWith('    ')).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      '(starting) STARTING', '(starting) STARTING', `${completed.importId} COMPLETED`, `${failed.importId} FAILED`,
      `${cancelled.importId} CANCELLED`, '- FAILED', `${retained.importId} IN_PROGRESS`, '(withdrawn) WITHDRAWN',
    ]);
    expect(body).toContain(`Creating  ${STORE_A}\n    starting: CreateImportTask sent at 2026-11-25T12:07:00.000Z\n`);
    expect(body).toContain('Uncertain  ' + STORE_A + '\n    starting: CreateImportTask\'s outcome at 2026-11-25T12:08:00.000Z is not known yet; the orchestrator looks for the import before it tries again\n');
    expect(body).toContain('Failed  ' + STORE_B + '\n    error: Import x FAILED: The role cannot read the store. Batch batch-0001: The role cannot read the store.\n'
      + '    batch batch-0001 failed: The role cannot read the store\n');
    expect(body).toContain('Cancelled  ' + STORE_A + '\n    note: cancelled by a person\n');
    expect(body).toContain('NoCreate  ' + STORE_B + '\n    error: CreateImportTask failed: AccessDeniedException\n');
    expect(body).toContain('Retained  ' + STORE_B + '\n    retired 2026-11-25T12:09:00.000Z: CloudFormation deleted the resource (RemovalPolicy.RETAIN: the import goes on and its data stays)\n');
    expect(body).toMatch(/Withdrawn {2}\S+\n {4}withdrawn 2026-11-25T12:10:00.000Z: CloudFormation deleted the resource before its import was created; nothing was imported$/);
    expect(body).not.toContain('note: withdrawn before it started');

    stdout.text = '';
    expect(await run(['status', '--ledger', TABLE, '--json'])).toBe(1);
    const out = json();
    expect(out[0]).toEqual({
      importId: null,
      importSourceArn: STORE_A,
      importDestinationArn: null,
      status: 'STARTING',
      bytesImported: 0,
      batches: { total: 0, completed: 0, failed: 0, inProgress: 0, cancelled: 0 },
      elapsedSeconds: null,
      creationTime: null,
      lastUpdatedTime: null,
      errorMessage: null,
      failedBatches: [],
      stackResource: null,
      recordId: creating.sk,
      state: 'CREATING',
      queuePosition: null,
      logicalResourceId: 'Creating',
      retired: false,
      generation: 0,
      destinationMismatch: null,
      migration: null,
    });
    expect(out[1]).toMatchObject({ recordId: uncertain.sk, state: 'UNCERTAIN', status: 'STARTING' });
    expect(out.find((v) => v.logicalResourceId === 'Retained')).toMatchObject({ status: 'IN_PROGRESS', state: 'STARTED', retired: true, importId: retained.importId });
    expect(out.find((v) => v.logicalResourceId === 'Withdrawn')).toMatchObject({ status: 'WITHDRAWN', importId: null, retired: true });
    expect(out.find((v) => v.logicalResourceId === 'Failed')).toMatchObject({ status: 'FAILED', failedBatches: [{ batchId: 'batch-0001' }] });
  });

  test('a destination mismatch is an error line, in the JSON too, and exit code 1', async () => {
    const imp = fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED' });
    await put(ownerRecord({
      logicalResourceId: 'ImportA', sourceArn: STORE_A, state: 'COMPLETED', createdAt: T0, importId: imp.importId, destinationMismatch: '/aws/cloudtrail/elsewhere',
    }));
    expect(await run(['status', '--ledger', TABLE])).toBe(1);
    expect(lines()[3]).toBe('    error: wrote to /aws/cloudtrail/elsewhere, not aws/cloudtrail/aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa as the construct\'s attributes say');
    stdout.text = '';
    expect(await run(['status', '--ledger', TABLE, '--json'])).toBe(1);
    expect(json()[0]).toMatchObject({ status: 'COMPLETED', destinationMismatch: '/aws/cloudtrail/elsewhere' });
  });

  test('a record whose import DescribeImportTasks does not list is NOT_FOUND (exit 1)', async () => {
    await put(ownerRecord({ logicalResourceId: 'ImportA', sourceArn: STORE_A, state: 'STARTED', createdAt: T0, importId: 'deadbeef-0000-4000-8000-000000000000' }));
    expect(await run(['status', '--ledger', TABLE])).toBe(1);
    expect(lines()[3]).toBe(`    error: DescribeImportTasks does not list import deadbeef-0000-4000-8000-000000000000 in ${REGION} (the ledger says STARTED)`);
  });

  test('an empty ledger: 0 imports, exit 0', async () => {
    expect(await run(['status', '--ledger', TABLE])).toBe(0);
    expect(stdout.text).toBe(`0 imports in ledger ${TABLE} in ${REGION}\n`);
    stdout.text = '';
    expect(await run(['status', '--ledger', TABLE, '--json'])).toBe(0);
    expect(json()).toEqual([]);
  });

  test('--watch follows a queued record until its import has finished', async () => {
    const [record] = await put(ownerRecord({ logicalResourceId: 'ImportA', sourceArn: STORE_A, state: 'SCHEDULED', createdAt: T0 }));
    let refresh = 0;
    let importId = '';
    const code = await run(['status', '--watch', '--json', '--ledger', TABLE], {
      sleep: async () => {
        refresh++;
        if (refresh === 1) await ledger.update({ pk: record.pk, sk: record.sk }, { state: 'CREATING', createSentAt: T0 + MINUTE }, ['SCHEDULED']);
        if (refresh === 2) {
          importId = fx.logs.addImport({ importSourceArn: STORE_A }).importId;
          await ledger.update({ pk: record.pk, sk: record.sk }, { state: 'STARTED', importId }, ['CREATING']);
        }
        if (refresh === 3) fx.logs.completeImport(importId);
      },
    });
    expect(stderr.text).toBe('');
    expect(code).toBe(0);
    expect(lines().map((l) => JSON.parse(l)[0]).map((v: ImportStatusJson) => [v.status, v.state])).toEqual([
      ['QUEUED', 'SCHEDULED'], ['STARTING', 'CREATING'], ['IN_PROGRESS', 'STARTED'], ['COMPLETED', 'STARTED'],
    ]);
  });
});

describe('--stack', () => {
  test('finds the ledger among the stack\'s resources and joins each resource with its current record', async () => {
    const stack = fx.synthesized();
    const imp = fx.logs.addImport({ importSourceArn: STORE_A });
    fx.logs.tick();
    const [oldA, currentA, queuedB] = await put(
      // ImportA was replaced: the old record is retired, the current one started.
      ownerRecord({ logicalResourceId: stack.imports.ImportA, sourceArn: STORE_A, state: 'WITHDRAWN', createdAt: T0, retiredAt: T0 + MINUTE }),
      ownerRecord({ logicalResourceId: stack.imports.ImportA, sourceArn: STORE_A, state: 'STARTED', createdAt: T0 + MINUTE, importId: imp.importId }),
      // ImportB: CloudFormation has not been answered yet, so it lists no physical ID.
      ownerRecord({ logicalResourceId: stack.imports.ImportB, sourceArn: STORE_B, state: 'SCHEDULED', createdAt: T0 + 2 * MINUTE }),
    );
    fx.cloudFormation.pageSize = 3;
    fx.cloudFormation.setStack('Migration', stackResources(stack, TABLE, { ImportA: currentA.sk, ImportB: null }));

    expect(await run(['status', '--stack', 'Migration'])).toBe(0);
    expect(lines()[0]).toBe(`3 imports in the ledger of stack Migration in ${REGION}: 1 in progress, 1 queued, 1 withdrawn`);
    expect(lines()[2]).toMatch(new RegExp(`^\\(queued\\)\\s+QUEUED .* ${stack.imports.ImportB}  ${STORE_B}$`));
    expect(lines()[3]).toBe('    queued: 1 of 1 in the ledger\'s queue, waiting for a free import slot (scheduled 2026-11-25T12:02:00.000Z)');
    expect(lines()[4]).toMatch(new RegExp(`^${imp.importId}  IN_PROGRESS  \\[#{5}-{15}\\]\\s+1/4 .* ${stack.imports.ImportA}  ${STORE_A}$`));
    expect(lines()[5]).toMatch(/^\(withdrawn\)\s+WITHDRAWN/);
    // Every page of the stack was read.
    expect(fx.cloudFormation.listCount()).toBe(Math.ceil(stack.resources.length / 3));

    stdout.text = '';
    expect(await run(['status', '--stack', 'Migration', '--json'])).toBe(0);
    const out = json();
    expect(out.map((v) => [v.recordId, v.stackResource])).toEqual([
      [queuedB.sk, { logicalResourceId: stack.imports.ImportB, physicalResourceId: null, resourceStatus: 'CREATE_IN_PROGRESS' }],
      [currentA.sk, { logicalResourceId: stack.imports.ImportA, physicalResourceId: currentA.sk, resourceStatus: 'CREATE_COMPLETE' }],
      [oldA.sk, null], // history: no longer the resource's record
    ]);
  });

  test('a resource without a record: QUEUED while CloudFormation creates it, NOT_FOUND when its physical ID names no record', async () => {
    const stack = fx.synthesized();
    fx.cloudFormation.setStack('Migration', stackResources(stack, TABLE, { ImportA: null, ImportB: 'import-0123456789abcdef0123456789abcdef' }));
    expect(await run(['status', '--stack', 'Migration'])).toBe(1);
    expect(lines().slice(2)).toEqual([
      expect.stringMatching(new RegExp(`^\\(queued\\)\\s+QUEUED .* ${stack.imports.ImportA}  -$`)),
      '    queued: waiting for a free import slot (CloudFormation is creating the resource; no owner record yet)',
      expect.stringMatching(new RegExp(`^-\\s+NOT_FOUND .* ${stack.imports.ImportB}  -$`)),
      `    error: the ledger ${TABLE} has no owner record import-0123456789abcdef0123456789abcdef`,
    ]);
  });

  test('a ledger that CloudFormation is still creating: the imports are queued', async () => {
    const stack = fx.synthesized();
    fx.cloudFormation.setStack('Migration', stackResources(stack, undefined, { ImportA: null }));
    expect(await run(['status', '--stack', 'Migration', '--json'])).toBe(0);
    expect(json().map((v) => [v.status, v.logicalResourceId])).toEqual([['QUEUED', stack.imports.ImportA]]);
  });

  test('a stack without imports or ledger: 0 imports', async () => {
    fx.cloudFormation.setStack('Other', [{ logicalResourceId: 'Bucket', resourceType: 'AWS::S3::Bucket', physicalResourceId: 'bucket' }]);
    expect(await run(['status', '--stack', 'Other'])).toBe(0);
    expect(stdout.text).toBe(`0 imports in the ledger of stack Other in ${REGION} (no Custom::EventDataStoreImport resources)\n`);
  });
});

describe('errors: exit code 2 with a one-line message', () => {
  async function error(args: string[]): Promise<string> {
    expect(await run(args)).toBe(2);
    expect(stdout.text).toBe('');
    expect(stderr.text.split('\n')).toHaveLength(2);
    return stderr.text;
  }

  test('--ledger names a table that does not exist', async () => {
    expect(await error(['status', '--ledger', 'NoSuchTable'])).toBe(`error: Ledger table NoSuchTable does not exist in ${REGION}.\n`);
  });

  test('--stack lists a ledger table that does not exist (any more)', async () => {
    fx.cloudFormation.setStack('Migration', stackResources(fx.synthesized(), 'DeletedTable', { ImportA: null }));
    expect(await error(['status', '--stack', 'Migration'])).toBe(`error: Ledger table DeletedTable of stack Migration does not exist in ${REGION}.\n`);
  });

  test('--stack with imports but no ledger table', async () => {
    fx.cloudFormation.setStack('Old', [{ logicalResourceId: 'Import', resourceType: 'Custom::EventDataStoreImport', physicalResourceId: 'x' }]);
    expect(await error(['status', '--stack', 'Old'])).toMatch(/^error: Stack Old has Custom::EventDataStoreImport resources but no ledger table .*name the table with --ledger\.\n$/);
  });

  test('access denied: the message names the ledger\'s permissions too', async () => {
    await put(ownerRecord({ logicalResourceId: 'ImportA', sourceArn: STORE_A, state: 'STARTED', createdAt: T0, importId: fx.logs.addImport({ importSourceArn: STORE_A }).importId }));
    fx.logs.accessDeniedFirst(1);
    expect(await error(['status', '--ledger', TABLE])).toMatch(/^error: Access denied \(AccessDeniedException: .*\)\. The status command needs logs:DescribeImportTasks, logs:DescribeImportTaskBatches and dynamodb:Scan on the ledger table \(and kms:Decrypt on its key, when it has a customer managed one\)\.\n$/);
  });

  test('a --ledger that is not a table name; --ledger with --stack', async () => {
    expect(await error(['status', '--ledger', 'a b'])).toMatch(/^error: --ledger must be a DynamoDB table name/);
    stderr.text = '';
    expect(await run(['status', '--ledger', TABLE, '--stack', 'Migration'])).toBe(2);
    expect(stderr.text).toMatch(/cannot be used with/);
  });
});
