import {
  CancelImportTaskCommand,
  CloudWatchLogsClient,
  CreateImportTaskCommand,
  CreateImportTaskCommandInput,
  DeleteLogGroupCommand,
  DescribeImportTaskBatchesCommand,
  DescribeImportTasksCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsStandIn, cloudWatchLogsClientFor, StandInOptions } from './cloudwatch-logs-stand-in';

const STORE_ID = 'f1d45bff-d0e3-4868-b5d9-2eb678aa32fb';
const STORE_ARN = `arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/${STORE_ID}`;
const ROLE_ARN = 'arn:aws:iam::111122223333:role/import';
const DAY = 86_400_000;
const MIB = 1024 * 1024;

let standIn: CloudWatchLogsStandIn;
let client: CloudWatchLogsClient;
const extraClients: CloudWatchLogsClient[] = [];

async function setUp(options: StandInOptions = {}): Promise<void> {
  standIn = await CloudWatchLogsStandIn.start(options);
  standIn.addEventDataStore({ arn: STORE_ARN });
  client = cloudWatchLogsClientFor(standIn);
}

/** A client that surfaces the first error instead of retrying. */
function singleAttemptClient(): CloudWatchLogsClient {
  const c = cloudWatchLogsClientFor(standIn, { maxAttempts: 1 });
  extraClients.push(c);
  return c;
}

function create(input: Partial<CreateImportTaskCommandInput> = {}, c = client) {
  return c.send(new CreateImportTaskCommand({ importSourceArn: STORE_ARN, importRoleArn: ROLE_ARN, ...input }));
}

async function describeImport(importId: string) {
  const out = await client.send(new DescribeImportTasksCommand({ importId }));
  return out.imports![0];
}

/** The error a promise rejects with (fails the test if it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => setUp());

afterEach(async () => {
  client.destroy();
  extraClients.splice(0).forEach((c) => c.destroy());
  await standIn.stop();
});

describe('CreateImportTask', () => {
  test('creates an import into aws/cloudtrail/<store id> in the source region and account', async () => {
    const out = await create();

    expect(out.importId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(out.importDestinationArn).toBe(`arn:aws:logs:eu-west-1:111122223333:log-group:aws/cloudtrail/${STORE_ID}`);
    expect(typeof out.creationTime).toBe('number');
    expect(standIn.logGroupExists(`aws/cloudtrail/${STORE_ID}`)).toBe(true);
    expect(standIn.createdImports()).toEqual([expect.objectContaining({ importId: out.importId, roleArn: ROLE_ARN, importStatus: 'IN_PROGRESS' })]);
    expect(standIn.calls).toStrictEqual([{ operation: 'CreateImportTask', request: { importSourceArn: STORE_ARN, importRoleArn: ROLE_ARN } }]);
  });

  test('leading-slash destination naming', async () => {
    standIn.options.destinationNaming = 'leading-slash';
    const out = await create();
    expect(out.importDestinationArn).toBe(`arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/${STORE_ID}`);
    expect(standIn.logGroupExists(`/aws/cloudtrail/${STORE_ID}`)).toBe(true);
  });

  test('importSourceArn and importRoleArn are required', async () => {
    expect((await errorOf(create({ importRoleArn: undefined }))).name).toBe('InvalidParameterException');
    expect((await errorOf(create({ importSourceArn: undefined }))).name).toBe('InvalidParameterException');
    expect(standIn.imports).toHaveLength(0);
  });

  test('startEventTime after endEventTime is rejected', async () => {
    const now = Date.now();
    const err = await errorOf(create({ importFilter: { startEventTime: now - DAY, endEventTime: now - 2 * DAY } }));
    expect(err.name).toBe('InvalidParameterException');
  });

  test('negative times are rejected', async () => {
    expect((await errorOf(create({ importFilter: { startEventTime: -1 } }))).name).toBe('InvalidParameterException');
    expect((await errorOf(create({ importFilter: { endEventTime: -5 } }))).name).toBe('InvalidParameterException');
  });

  test('an unknown event data store is ResourceNotFoundException', async () => {
    const err = await errorOf(create({ importSourceArn: STORE_ARN.replace(STORE_ID, 'nope') }));
    expect(err.name).toBe('ResourceNotFoundException');
  });

  test('a store that is not active is InvalidOperationException', async () => {
    standIn.addEventDataStore({ arn: STORE_ARN, status: 'STOPPED_INGESTION' });
    expect((await errorOf(create())).name).toBe('InvalidOperationException');

    standIn.options.activeStoreStatuses = ['ENABLED', 'STOPPED_INGESTION'];
    await expect(create()).resolves.toBeDefined();
  });

  test('the window must lie inside the retention period', async () => {
    standIn.addEventDataStore({ arn: STORE_ARN, retentionDays: 7 });
    const now = Date.now();

    const tooOld = await errorOf(create({ importFilter: { startEventTime: now - 8 * DAY, endEventTime: now - DAY } }));
    expect(tooOld.name).toBe('InvalidParameterException');
    expect(tooOld.message).toMatch(/retention/);
    const future = await errorOf(create({ importFilter: { startEventTime: now - DAY, endEventTime: now + DAY } }));
    expect(future.name).toBe('InvalidParameterException');

    const ok = await create({ importFilter: { startEventTime: now - 6 * DAY, endEventTime: now - DAY } });
    expect(standIn.imports[0].importFilter).toEqual({ startEventTime: now - 6 * DAY, endEventTime: now - DAY });
    expect((await describeImport(ok.importId!)).importFilter).toEqual({ startEventTime: now - 6 * DAY, endEventTime: now - DAY });
  });

  test.each(['LimitExceededException', 'ThrottlingException', 'InvalidOperationException', 'ConflictException', 'ServiceQuotaExceededException'])(
    'a 4th active import fails with limitError=%s', async (limitError) => {
      standIn.options.limitError = limitError;
      const c = singleAttemptClient();
      standIn.addImport({ importSourceArn: 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/someone-else' });
      await create({}, c);
      await create({}, c);

      expect((await errorOf(create({}, c))).name).toBe(limitError);
      expect(standIn.createdImports()).toHaveLength(2);

      // Finished imports do not count.
      standIn.completeImport(standIn.imports[0].importId);
      await expect(create({}, c)).resolves.toBeDefined();
    });

  test.each(['InvalidOperationException', 'ThrottlingException', 'LimitExceededException'])(
    'refuseAtLimitNext refuses with limitError=%s while fewer than the limit are active, creating nothing', async (limitError) => {
      standIn.options.limitError = limitError;
      const c = singleAttemptClient();
      standIn.refuseAtLimitNext(2);
      for (const _ of [1, 2]) {
        const refused = await errorOf(create({}, c));
        expect(refused.name).toBe(limitError);
        expect(refused.message).toContain('no more than 3 active imports');
      }
      expect(standIn.createdImports()).toHaveLength(0);
      await expect(create({}, c)).resolves.toBeDefined();
      expect(standIn.createdImports()).toHaveLength(1);
    });

  test('maxActiveImports is configurable', async () => {
    standIn.options.maxActiveImports = 1;
    await create();
    expect((await errorOf(create())).name).toBe('LimitExceededException');
  });
});

describe('DescribeImportTasks', () => {
  test('pages through 120 imports with limit 50, newest first', async () => {
    for (let i = 0; i < 120; i++) standIn.addImport({ importSourceArn: STORE_ARN, importStatus: 'COMPLETED' });

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new DescribeImportTasksCommand({ limit: 50, nextToken }));
      pages.push(out.imports!.map((i) => i.importId!));
      nextToken = out.nextToken;
    } while (nextToken);

    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(standIn.imports.map((i) => i.importId).reverse());
  });

  test('defaults to 50 per page and rejects limits outside 1..50', async () => {
    for (let i = 0; i < 51; i++) standIn.addImport({ importSourceArn: STORE_ARN, importStatus: 'COMPLETED' });
    const out = await client.send(new DescribeImportTasksCommand({}));
    expect(out.imports).toHaveLength(50);
    expect(out.nextToken).toBeDefined();

    expect((await errorOf(client.send(new DescribeImportTasksCommand({ limit: 0 })))).name).toBe('InvalidParameterException');
    expect((await errorOf(client.send(new DescribeImportTasksCommand({ limit: 51 })))).name).toBe('InvalidParameterException');
    expect((await errorOf(client.send(new DescribeImportTasksCommand({ nextToken: 'garbage' })))).name).toBe('InvalidParameterException');
  });

  test('filters by importId, importStatus and importSourceArn, and returns the model fields', async () => {
    const other = 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/other';
    const mine = standIn.addImport({ importSourceArn: STORE_ARN, roleArn: ROLE_ARN });
    standIn.addImport({ importSourceArn: other, importStatus: 'FAILED', errorMessage: 'boom' });

    const byId = await client.send(new DescribeImportTasksCommand({ importId: mine.importId }));
    expect(byId.imports).toEqual([{
      importId: mine.importId,
      importSourceArn: STORE_ARN,
      importStatus: 'IN_PROGRESS',
      importDestinationArn: `arn:aws:logs:eu-west-1:111122223333:log-group:aws/cloudtrail/${STORE_ID}`,
      importStatistics: { bytesImported: 0 },
      creationTime: mine.creationTime,
      lastUpdatedTime: mine.lastUpdatedTime,
    }]);
    const failed = await client.send(new DescribeImportTasksCommand({ importStatus: 'FAILED' }));
    expect(failed.imports!.map((i) => [i.importSourceArn, i.errorMessage])).toEqual([[other, 'boom']]);
    const bySource = await client.send(new DescribeImportTasksCommand({ importSourceArn: STORE_ARN }));
    expect(bySource.imports!.map((i) => i.importId)).toEqual([mine.importId]);
  });

  test('an unknown importId is an empty list, or ResourceNotFoundException with the knob', async () => {
    const out = await client.send(new DescribeImportTasksCommand({ importId: 'unknown' }));
    expect(out.imports).toEqual([]);

    standIn.options.describeUnknownImportId = 'not-found';
    expect((await errorOf(client.send(new DescribeImportTasksCommand({ importId: 'unknown' })))).name).toBe('ResourceNotFoundException');
  });
});

describe('DescribeImportTaskBatches', () => {
  test('pages with the default limit of 10 and filters by status', async () => {
    standIn.options.batchesPerImport = 25;
    const { importId } = await create();
    standIn.tick(3);

    const pages: number[] = [];
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new DescribeImportTaskBatchesCommand({ importId, nextToken }));
      expect(out.importId).toBe(importId);
      expect(out.importSourceArn).toBe(STORE_ARN);
      pages.push(out.importBatches!.length);
      ids.push(...out.importBatches!.map((b) => b.batchId!));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(pages).toEqual([10, 10, 5]);
    expect(new Set(ids).size).toBe(25);

    const completed = await client.send(new DescribeImportTaskBatchesCommand({ importId, batchImportStatus: ['COMPLETED'], limit: 50 }));
    expect(completed.importBatches!.map((b) => b.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(completed.nextToken).toBeUndefined();
  });

  test('importId is required and must exist; limit 1..50', async () => {
    expect((await errorOf(client.send(new DescribeImportTaskBatchesCommand({ importId: undefined })))).name).toBe('InvalidParameterException');
    expect((await errorOf(client.send(new DescribeImportTaskBatchesCommand({ importId: 'unknown' })))).name).toBe('ResourceNotFoundException');
    const { importId } = await create();
    expect((await errorOf(client.send(new DescribeImportTaskBatchesCommand({ importId, limit: 51 })))).name).toBe('InvalidParameterException');
  });
});

describe('progress', () => {
  test('tick() advances one batch at a time until COMPLETED', async () => {
    const { importId } = await create();
    const seen: Array<[string | undefined, number | undefined]> = [];
    for (let i = 0; i < 4; i++) {
      const imp = await describeImport(importId!);
      seen.push([imp.importStatus, imp.importStatistics?.bytesImported]);
      standIn.tick();
    }
    const last = await describeImport(importId!);
    seen.push([last.importStatus, last.importStatistics?.bytesImported]);

    expect(seen).toEqual([['IN_PROGRESS', 0], ['IN_PROGRESS', MIB], ['IN_PROGRESS', 2 * MIB], ['IN_PROGRESS', 3 * MIB], ['COMPLETED', 4 * MIB]]);
  });

  test('autoAdvance progresses on every DescribeImportTasks call', async () => {
    await setUpAgain({ autoAdvance: 2, batchesPerImport: 6, bytesPerBatch: 100 });
    const { importId } = await create();

    const bytes: number[] = [];
    let status: string | undefined;
    while (status !== 'COMPLETED') {
      const imp = await describeImport(importId!);
      bytes.push(imp.importStatistics!.bytesImported!);
      status = imp.importStatus;
    }
    expect(bytes).toEqual([200, 400, 600]);
  });

  test('failAtBatch (per store) fails that batch and the import', async () => {
    standIn.addEventDataStore({ arn: STORE_ARN, failAtBatch: 2 });
    const { importId } = await create();
    standIn.tick(3);

    const imp = await describeImport(importId!);
    expect(imp.importStatus).toBe('FAILED');
    expect(imp.errorMessage).toMatch(/batch 2/);
    expect(imp.importStatistics!.bytesImported).toBe(MIB);
    const batches = await client.send(new DescribeImportTaskBatchesCommand({ importId }));
    expect(batches.importBatches!.map((b) => [b.status, b.errorMessage])).toEqual([
      ['COMPLETED', undefined], ['FAILED', imp.errorMessage], ['CANCELLED', undefined], ['CANCELLED', undefined],
    ]);
  });

  test('failAtBatch (global) applies to every import', async () => {
    standIn.options.failAtBatch = 1;
    const { importId } = await create();
    standIn.tick();
    expect((await describeImport(importId!)).importStatus).toBe('FAILED');
  });

  test('completeImport and failImport', async () => {
    const a = await create();
    const b = await create();
    standIn.completeImport(a.importId!);
    standIn.failImport(b.importId!, 'Access denied to the event data store');

    expect(await describeImport(a.importId!)).toMatchObject({ importStatus: 'COMPLETED', importStatistics: { bytesImported: 4 * MIB } });
    expect(await describeImport(b.importId!)).toMatchObject({ importStatus: 'FAILED', errorMessage: 'Access denied to the event data store' });
    expect(() => standIn.completeImport(b.importId!)).toThrow(/FAILED/);
  });

  test('completeAfterMs (per store) completes an import that long after CreateImportTask', async () => {
    // 400 ms: room for the Describe round trip on a loaded machine (40 ms failed under 2 jest workers).
    standIn.addEventDataStore({ arn: STORE_ARN, completeAfterMs: 400 });
    const { importId } = await create();
    expect((await describeImport(importId!)).importStatus).toBe('IN_PROGRESS');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const done = standIn.imports.find((i) => i.importId === importId)!;
    expect(done).toMatchObject({ importStatus: 'COMPLETED', importStatistics: { bytesImported: 4 * MIB } });
    expect(done.lastUpdatedTime - done.creationTime).toBeGreaterThanOrEqual(399);
  });
});

describe('CancelImportTask', () => {
  test('cancels an IN_PROGRESS import', async () => {
    const { importId } = await create();
    standIn.tick();

    const out = await client.send(new CancelImportTaskCommand({ importId }));
    expect(out).toMatchObject({ importId, importStatus: 'CANCELLED', importStatistics: { bytesImported: MIB } });
    expect(typeof out.creationTime).toBe('number');
    expect(typeof out.lastUpdatedTime).toBe('number');
    expect((await describeImport(importId!)).importStatus).toBe('CANCELLED');
    expect(standIn.cancelledImportIds()).toEqual([importId]);

    // Cancelled imports do not progress, and cannot be cancelled twice.
    standIn.tick(10);
    expect((await describeImport(importId!)).importStatus).toBe('CANCELLED');
    expect((await errorOf(client.send(new CancelImportTaskCommand({ importId })))).name).toBe('InvalidOperationException');
  });

  test('unknown import is ResourceNotFoundException', async () => {
    expect((await errorOf(client.send(new CancelImportTaskCommand({ importId: 'unknown' })))).name).toBe('ResourceNotFoundException');
  });

  test('cancelLeaves imported-data keeps the log group', async () => {
    const { importId } = await create();
    await client.send(new CancelImportTaskCommand({ importId }));
    expect(standIn.logGroupExists(`aws/cloudtrail/${STORE_ID}`)).toBe(true);
  });

  test('cancelLeaves nothing removes the log group unless another import writes to it', async () => {
    standIn.options.cancelLeaves = 'nothing';
    const group = `aws/cloudtrail/${STORE_ID}`;
    const first = await create();
    const second = await create();

    await client.send(new CancelImportTaskCommand({ importId: first.importId }));
    expect(standIn.logGroupExists(group)).toBe(true);
    await client.send(new CancelImportTaskCommand({ importId: second.importId }));
    expect(standIn.logGroupExists(group)).toBe(false);
    expect(standIn.deletedLogGroups()).toEqual([]);
  });
});

describe('DeleteLogGroup', () => {
  test('deletes an existing log group and records it', async () => {
    await create();
    const group = `aws/cloudtrail/${STORE_ID}`;

    await client.send(new DeleteLogGroupCommand({ logGroupName: group }));
    expect(standIn.logGroupExists(group)).toBe(false);
    expect(standIn.deletedLogGroups()).toEqual([group]);
    expect((await errorOf(client.send(new DeleteLogGroupCommand({ logGroupName: group })))).name).toBe('ResourceNotFoundException');
  });
});

test('an unimplemented operation is UnknownOperationException', async () => {
  const err = await errorOf(client.send(new DescribeLogGroupsCommand({})));
  expect(err.name).toBe('UnknownOperationException');
  expect(standIn.calls[0]).toMatchObject({ operation: 'DescribeLogGroups', error: 'UnknownOperationException' });
});

describe('fault knobs', () => {
  test('throttleNext: surfaces with one attempt, retried by default', async () => {
    standIn.throttleNext(1);
    expect((await errorOf(create({}, singleAttemptClient()))).name).toBe('ThrottlingException');

    standIn.throttleNext(1);
    await create();
    expect(standIn.calls.map((c) => c.error)).toEqual(['ThrottlingException', 'ThrottlingException', undefined]);
    expect(standIn.createdImports()).toHaveLength(1);
  });

  test('faults can target one operation', async () => {
    standIn.throttleNext(1, 'DescribeImportTasks');
    const c = singleAttemptClient();
    await create({}, c);
    expect((await errorOf(c.send(new DescribeImportTasksCommand({})))).name).toBe('ThrottlingException');
    await expect(c.send(new DescribeImportTasksCommand({}))).resolves.toBeDefined();
  });

  test('serverErrorNext: 500 ServiceUnavailableException, retried by default', async () => {
    standIn.serverErrorNext(1);
    const err = await errorOf(create({}, singleAttemptClient()));
    expect(err.name).toBe('ServiceUnavailableException');
    expect(err.$metadata.httpStatusCode).toBe(500);

    standIn.serverErrorNext(2);
    await create();
    expect(standIn.callCount('CreateImportTask')).toBe(4);
    expect(standIn.createdImports()).toHaveLength(1);
  });

  test('dropConnectionNext: no response and nothing done; retried by default', async () => {
    standIn.dropConnectionNext(1);
    const err = await errorOf(create({}, singleAttemptClient()));
    // The SDK wraps network errors: "AWS SDK error wrapper for TimeoutError: socket hang up".
    expect(err.message).toMatch(/socket hang up/);
    expect(standIn.imports).toHaveLength(0);
    expect(standIn.calls[0].dropped).toBe(true);

    standIn.dropConnectionNext(1);
    await create();
    expect(standIn.createdImports()).toHaveLength(1);
  });

  test('dropAfterProcessingNext: the import exists although the client saw an error', async () => {
    standIn.dropAfterProcessingNext(1, 'CreateImportTask');
    await errorOf(create({}, singleAttemptClient()));
    expect(standIn.createdImports()).toHaveLength(1);
  });

  test('dropAfterProcessingNext + SDK retry = a duplicate import', async () => {
    standIn.dropAfterProcessingNext(1, 'CreateImportTask');
    const out = await create();
    expect(standIn.createdImports()).toHaveLength(2);
    expect(standIn.createdImports()[1].importId).toBe(out.importId);
    expect(standIn.calls.map((c) => c.dropped ?? false)).toEqual([true, false]);
  });

  test('accessDeniedFirst: the first k calls are denied and not retried', async () => {
    standIn.accessDeniedFirst(2, 'CreateImportTask');
    expect((await errorOf(create())).name).toBe('AccessDeniedException');
    await expect(client.send(new DescribeImportTasksCommand({}))).resolves.toBeDefined();
    expect((await errorOf(create())).name).toBe('AccessDeniedException');
    await expect(create()).resolves.toBeDefined();
    expect(standIn.callCount('CreateImportTask')).toBe(3);
  });

  test('conflictNext: CreateImportTask fails with ConflictException', async () => {
    standIn.conflictNext(1);
    await expect(client.send(new DescribeImportTasksCommand({}))).resolves.toBeDefined();
    expect((await errorOf(create())).name).toBe('ConflictException');
    await expect(create()).resolves.toBeDefined();
  });

  test('delayMs slows every response', async () => {
    standIn.options.delayMs = 250;
    const started = Date.now();
    await client.send(new DescribeImportTasksCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  test('a client request timeout shorter than delayMs fails, yet the import is created', async () => {
    await setUpAgain({ delayMs: 300 });
    const c = cloudWatchLogsClientFor(standIn, { maxAttempts: 1, requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true } });
    extraClients.push(c);
    expect((await errorOf(create({}, c))).message).toMatch(/requestTimeout/);
    expect(standIn.createdImports()).toHaveLength(1);
  });
});

test('stop() closes the server', async () => {
  await client.send(new DescribeImportTasksCommand({}));
  await standIn.stop();
  const err = await errorOf(create({}, singleAttemptClient()));
  expect(err.message).toMatch(/ECONNREFUSED/);
});

/** Replaces the stand-in of the current test with one started with other options. */
async function setUpAgain(options: StandInOptions): Promise<void> {
  client.destroy();
  await standIn.stop();
  await setUp(options);
}

describe('shapes (checked against the SDK service model)', () => {
  test('every request and response of a whole import matches the model', async () => {
    const { importId } = await create({ importFilter: { startEventTime: Date.now() - DAY, endEventTime: Date.now() } });
    await client.send(new DescribeImportTasksCommand({ importId }));
    await client.send(new DescribeImportTaskBatchesCommand({ importId }));
    await client.send(new CancelImportTaskCommand({ importId }));
    await expect(client.send(new CancelImportTaskCommand({ importId }))).rejects.toThrow();
    expect(standIn.shapeViolations).toEqual([]);
  });

  test('a request outside the model is recorded as a violation', async () => {
    const res = await fetch(standIn.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'Logs_20140328.CreateImportTask', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ importSourceArn: STORE_ARN, roleArn: ROLE_ARN }),
    });
    expect(res.status).toBe(400);
    expect(standIn.shapeViolations).toEqual([
      'CreateImportTask: request.importRoleArn: required member of CreateImportTaskRequest is missing',
      'CreateImportTask: request.roleArn: not a member of CreateImportTaskRequest',
    ]);
  });
});
