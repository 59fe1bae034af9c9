import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Fixture, IMPORT_TYPE, STORE_A, STORE_B } from './helpers';
import { ImportCollector, isImportId, StatusError, toView } from '../../src/status/collect';
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

  test('--stack: the Custom::EventDataStoreImport resources, queued ones included, over several pages', async () => {
    const { completed, running } = mix();
    fx.cloudFormation.pageSize = 2;
    fx.cloudFormation.setStack('Migration', [
      { logicalResourceId: 'ImportRole', resourceType: 'AWS::IAM::Role', physicalResourceId: 'migration-role' },
      { logicalResourceId: 'ImportOld', resourceType: IMPORT_TYPE, physicalResourceId: completed.importId },
      { logicalResourceId: 'ImportNew', resourceType: IMPORT_TYPE, physicalResourceId: running.importId },
      { logicalResourceId: 'ImportQueued', resourceType: IMPORT_TYPE, physicalResourceId: 'pending:1764072000000', resourceStatus: 'CREATE_IN_PROGRESS' },
      { logicalResourceId: 'ImportPlaceholder', resourceType: IMPORT_TYPE, physicalResourceId: 'Migration-ImportPlaceholder-1A2B3C:x' },
      { logicalResourceId: 'ImportNoId', resourceType: IMPORT_TYPE, resourceStatus: 'CREATE_IN_PROGRESS' },
      { logicalResourceId: 'ImportGone', resourceType: IMPORT_TYPE, physicalResourceId: 'deadbeef-0000-4000-8000-000000000000' },
    ]);
    const views = await collector.collect({ kind: 'stack', stackName: 'Migration' });

    const listCalls = fx.cloudFormation.calls.filter((c) => c.action === 'ListStackResources');
    expect(listCalls.map((c) => [c.params.StackName, c.params.NextToken !== undefined])).toEqual([
      ['Migration', false], ['Migration', true], ['Migration', true], ['Migration', true],
    ]); // 7 resources, 2 per page
    expect(views.map((v) => [v.stackResource?.logicalResourceId, v.status, v.importId])).toEqual([
      ['ImportOld', 'COMPLETED', completed.importId],
      ['ImportNew', 'IN_PROGRESS', running.importId],
      ['ImportQueued', 'QUEUED', undefined],
      ['ImportPlaceholder', 'QUEUED', undefined],
      ['ImportNoId', 'QUEUED', undefined],
      ['ImportGone', 'NOT_FOUND', 'deadbeef-0000-4000-8000-000000000000'],
    ]);
    expect(views[2].stackResource).toEqual({ logicalResourceId: 'ImportQueued', physicalResourceId: 'pending:1764072000000', resourceStatus: 'CREATE_IN_PROGRESS' });
    const describedIds = fx.logs.calls.filter((c) => c.operation === 'DescribeImportTasks').map((c) => c.request.importId).sort();
    expect(describedIds).toEqual([completed.importId, running.importId, 'deadbeef-0000-4000-8000-000000000000'].sort());
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
  test.each([
    ['0f6c2b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', true],
    ['abc', true],
    ['pending:1764072000000', false],
    ['Stack-Import-1A2B:x', false],
    ['', false],
  ])('isImportId(%j) is %s', (id, expected) => {
    expect(isImportId(id)).toBe(expected);
  });

  test('toView: an import without times or statistics', () => {
    expect(toView({ importId: 'x', importStatus: 'CANCELLED' }, [], NOW)).toEqual(expect.objectContaining({
      status: 'CANCELLED', bytesImported: 0, elapsedSeconds: undefined, batches: { total: 0, completed: 0, failed: 0, inProgress: 0, cancelled: 0 },
    }));
  });
});
