import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Fixture, STORE_A, STORE_B } from './helpers';
import { ownerRecord, stackResources } from './ledger-fixture';
import { ImportCollector, StatusError, toView } from '../../src/status/collect';
import { cloudWatchLogsClientFor } from '../stand-in/cloudwatch-logs-stand-in';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const MINUTE = 60_000;

let fx: Fixture;
let logs: CloudWatchLogsClient;
let cloudFormation: CloudFormationClient;
let collector: ImportCollector;

beforeEach(async () => {
  fx = await Fixture.start();
  logs = cloudWatchLogsClientFor(fx.logs);
  cloudFormation = fx.cloudFormationClient();
  collector = new ImportCollector({ logs, cloudFormation }, { now: () => NOW, region: 'us-east-1' });
});

afterEach(async () => {
  logs.destroy();
  cloudFormation.destroy();
  await fx.stop();
});

/** An IN_PROGRESS, a COMPLETED and a FAILED import, oldest first. */
function mix() {
  const completed = fx.logs.addImport({
    importSourceArn: STORE_A, importStatus: 'COMPLETED', creationTime: NOW - 90 * MINUTE, lastUpdatedTime: NOW - 30 * MINUTE,
  });
  const failed = fx.logs.addImport({
    importSourceArn: STORE_B, importStatus: 'FAILED', errorMessage: 'The role cannot read the store', creationTime: NOW - 20 * MINUTE, lastUpdatedTime: NOW - 19 * MINUTE,
  });
  const running = fx.logs.addImport({ importSourceArn: STORE_A, creationTime: NOW - 5 * MINUTE });
  fx.logs.tick(); // running: 1 of 4 batches
  return { completed, failed, running };
}

describe('collect', () => {
  test('a mix of IN_PROGRESS, COMPLETED and FAILED imports, newest first', async () => {
    const { completed, failed, running } = mix();
    const views = await collector.collect({ kind: 'all' });

    expect(views.map((v) => [v.importId, v.status])).toEqual([
      [running.importId, 'IN_PROGRESS'],
      [failed.importId, 'FAILED'],
      [completed.importId, 'COMPLETED'],
    ]);
    expect(views[0]).toMatchObject({
      importSourceArn: STORE_A,
      bytesImported: 1024 * 1024,
      batches: { total: 4, completed: 1, failed: 0, inProgress: 3, cancelled: 0 },
      elapsedSeconds: 5 * 60, // creation to now
      failedBatches: [],
    });
    expect(views[1]).toMatchObject({
      errorMessage: 'The role cannot read the store',
      batches: { total: 4, completed: 0, failed: 1, inProgress: 0, cancelled: 3 },
      failedBatches: [{ batchId: 'batch-0001', errorMessage: 'The role cannot read the store' }],
      elapsedSeconds: 60, // creation to last update
    });
    expect(views[2]).toMatchObject({ batches: { total: 4, completed: 4 }, bytesImported: 4 * 1024 * 1024, elapsedSeconds: 60 * 60 });
  });

  test('more than 50 imports: DescribeImportTasks is paginated with limit 50', async () => {
    for (let i = 0; i < 120; i++) fx.logs.addImport({ importSourceArn: STORE_A, importStatus: 'COMPLETED' });
    const views = await collector.collect({ kind: 'all' });

    expect(views).toHaveLength(120);
    expect(new Set(views.map((v) => v.importId)).size).toBe(120);
    const pages = fx.logs.calls.filter((c) => c.operation === 'DescribeImportTasks');
    expect(pages).toHaveLength(3);
    expect(pages.map((c) => c.request.limit)).toEqual([50, 50, 50]);
    expect(pages[0].request.nextToken).toBeUndefined();
    expect(pages[1].request.nextToken).toEqual(expect.any(String));
  });

  test('more than 50 batches: DescribeImportTaskBatches is paginated with limit 50', async () => {
    fx.logs.options.batchesPerImport = 123;
    const running = fx.logs.addImport({ importSourceArn: STORE_A });
    fx.logs.tick(60);
    const [view] = await collector.collect({ kind: 'all' });

    expect(view.batches).toEqual({ total: 123, completed: 60, failed: 0, inProgress: 63, cancelled: 0 });
    const pages = fx.logs.calls.filter((c) => c.operation === 'DescribeImportTaskBatches');
    expect(pages.map((c) => [c.request.importId, c.request.limit])).toEqual([
      [running.importId, 50], [running.importId, 50], [running.importId, 50],
    ]);
  });

  test('--event-data-store filters on importSourceArn', async () => {
    const { completed, running } = mix();
    const views = await collector.collect({ kind: 'event-data-store', eventDataStoreArn: STORE_A });

    expect(views.map((v) => v.importId)).toEqual([running.importId, completed.importId]);
    expect(fx.logs.calls[0].request).toMatchObject({ importSourceArn: STORE_A, limit: 50 });
  });

  test('--import-id filters on importId; an unknown ID is a StatusError', async () => {
    const { failed } = mix();
    const views = await collector.collect({ kind: 'import', importId: failed.importId });
    expect(views.map((v) => v.importId)).toEqual([failed.importId]);

    await expect(collector.collect({ kind: 'import', importId: 'no-such-import' }))
      .rejects.toThrow(new StatusError('No import with ID no-such-import in us-east-1.'));
    // Some services answer ResourceNotFoundException instead of an empty list: same outcome.
    fx.logs.options.describeUnknownImportId = 'not-found';
    await expect(collector.collect({ kind: 'import', importId: 'no-such-import' })).rejects.toBeInstanceOf(StatusError);
  });

  test('--stack: the ledger\'s records, each import described once by its ID, over several pages of resources', async () => {
    const stack = fx.synthesized();
    const { completed, running } = mix();
    const ledger = await fx.createLedger('Ledger');
    const [a, b] = [
      ownerRecord({ logicalResourceId: stack.imports.ImportA, sourceArn: STORE_A, state: 'COMPLETED', createdAt: NOW - 90 * MINUTE, importId: completed.importId }),
      ownerRecord({ logicalResourceId: stack.imports.ImportB, sourceArn: STORE_A, state: 'STARTED', createdAt: NOW - 5 * MINUTE, importId: running.importId }),
    ];
    await ledger.create(a);
    await ledger.create(b);
    fx.cloudFormation.pageSize = 2;
    fx.cloudFormation.setStack('Migration', stackResources(stack, 'Ledger', { ImportA: a.sk, ImportB: b.sk }));
    const withLedger = new ImportCollector({ logs, cloudFormation, dynamodb: fx.dynamodb.client({ region: 'us-east-1' }) }, { now: () => NOW, region: 'us-east-1' });
    const views = await withLedger.collect({ kind: 'stack', stackName: 'Migration' });

    expect(fx.cloudFormation.listCount()).toBe(Math.ceil(stack.resources.length / 2));
    expect(views.map((v) => [v.stackResource?.logicalResourceId, v.status, v.importId, v.record?.state])).toEqual([
      [stack.imports.ImportB, 'IN_PROGRESS', running.importId, 'STARTED'],
      [stack.imports.ImportA, 'COMPLETED', completed.importId, 'COMPLETED'],
    ]);
    expect(views[0]).toMatchObject({ batches: { total: 4, completed: 1 }, elapsedSeconds: 5 * 60, record: { recordId: b.sk, removalPolicy: 'retain' } });
    const describedIds = fx.logs.calls.filter((c) => c.operation === 'DescribeImportTasks').map((c) => c.request.importId).sort();
    expect(describedIds).toEqual([completed.importId, running.importId].sort());
  });

  test('--stack with a stack that does not exist is a StatusError', async () => {
    await expect(collector.collect({ kind: 'stack', stackName: 'Nope' }))
      .rejects.toThrow(new StatusError('Stack Nope does not exist in us-east-1.'));
  });

  test('batches of finished imports are listed once per collector (they cannot change)', async () => {
    const { running } = mix();
    await collector.collect({ kind: 'all' });
    await collector.collect({ kind: 'all' });
    const batchCalls = fx.logs.calls.filter((c) => c.operation === 'DescribeImportTaskBatches').map((c) => c.request.importId);
    expect(batchCalls).toHaveLength(4); // 2 finished once, the running one twice
    expect(batchCalls.filter((id) => id === running.importId)).toHaveLength(2);
  });
});

describe('helpers', () => {
  test('toView: an import without times or statistics', () => {
    expect(toView({ importId: 'x', importStatus: 'CANCELLED' }, [], NOW)).toEqual(expect.objectContaining({
      status: 'CANCELLED', bytesImported: 0, elapsedSeconds: undefined, batches: { total: 0, completed: 0, failed: 0, inProgress: 0, cancelled: 0 },
    }));
  });
});
