import {
  CancelImportTaskCommand,
  CloudWatchLogsClient,
  CreateImportTaskCommand,
  DeleteLogGroupCommand,
  DescribeImportTaskBatchesCommand,
  DescribeImportTasksCommand,
  Import,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ImportEvent, ImportLifecycle } from '../../src/event-data-store-import/handler/import-lifecycle';
import { ImportResourceProperties } from '../../src/event-data-store-import/handler/properties';

const SOURCE = 'arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/store-1';
const ROLE = 'arn:aws:iam::111111111111:role/import';
const DESTINATION = 'arn:aws:logs:us-east-1:111111111111:log-group:aws/cloudtrail/store-1';
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

const logs = mockClient(CloudWatchLogsClient);

/** A clock that only moves when the handler sleeps: tests run instantly and see every wait. */
function lifecycle(overrides: { retryBudgetMs?: number } = {}) {
  let now = NOW;
  const sleeps: number[] = [];
  const lines: string[] = [];
  const instance = new ImportLifecycle({
    client: new CloudWatchLogsClient({ region: 'us-east-1' }),
    createClient: new CloudWatchLogsClient({ region: 'us-east-1', maxAttempts: 1 }),
    sleep: async (ms) => { sleeps.push(ms); now += ms; },
    now: () => now,
    random: () => 0.5,
    log: (line) => lines.push(line),
    retryBudgetMs: overrides.retryBudgetMs ?? 240_000,
    baseDelayMs: 1_000,
    maxDelayMs: 30_000,
    adoptionWindowMs: 30 * 60_000,
  });
  return { instance, sleeps, lines, advance: (ms: number) => { now += ms; } };
}

function props(extra: Partial<ImportResourceProperties> = {}): ImportResourceProperties {
  return {
    ImportSourceArn: SOURCE,
    ImportRoleArn: ROLE,
    StartEventTime: '1704067200000',
    EndEventTime: '1735689600000',
    WaitForCompletion: 'false',
    TimeoutSeconds: '600',
    RemovalPolicy: 'retain',
    ...extra,
  };
}

function event(type: ImportEvent['RequestType'], extra: Partial<ImportEvent> = {}): ImportEvent {
  return { RequestType: type, LogicalResourceId: 'History', RequestId: 'req-1', StackId: 'stack', ResourceProperties: props(), ...extra };
}

function anImport(extra: Partial<Import> = {}): Import {
  return {
    importId: 'imp-1',
    importSourceArn: SOURCE,
    importStatus: 'IN_PROGRESS',
    importDestinationArn: DESTINATION,
    importStatistics: { bytesImported: 0 },
    importFilter: { startEventTime: 1704067200000, endEventTime: 1735689600000 },
    creationTime: NOW - 1000,
    ...extra,
  };
}

function serviceError(name: string, message = name) {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

beforeEach(() => {
  logs.reset();
  logs.on(DescribeImportTasksCommand).resolves({ imports: [] });
  logs.on(CreateImportTaskCommand).resolves({ importId: 'imp-new', importDestinationArn: DESTINATION, creationTime: NOW });
});

describe('Create', () => {
  test('starts the import and reports its ID, destination and creation time', async () => {
    const { instance } = lifecycle();
    const result = await instance.onEvent(event('Create'));
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 1);
    expect(logs).toHaveReceivedCommandWith(CreateImportTaskCommand, {
      importSourceArn: SOURCE,
      importRoleArn: ROLE,
      importFilter: { startEventTime: 1704067200000, endEventTime: 1735689600000 },
    });
    expect(result).toEqual({
      PhysicalResourceId: 'imp-new',
      Data: {
        ImportId: 'imp-new',
        DestinationLogGroupArn: DESTINATION,
        DestinationLogGroupName: 'aws/cloudtrail/store-1',
        CreationTime: new Date(NOW).toISOString(),
        ImportStatus: 'IN_PROGRESS',
        BytesImported: '0',
        Operation: 'Create',
        RequestedAt: String(NOW),
      },
    });
    expect(JSON.stringify(result).length).toBeLessThan(1024);
  });

  test('reads the log group name from the service, whichever spelling it uses', async () => {
    logs.on(CreateImportTaskCommand).resolves({ importId: 'imp-new', importDestinationArn: `${DESTINATION.replace('aws/', '/aws/')}:*`, creationTime: NOW });
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(result.Data.DestinationLogGroupName).toBe('/aws/cloudtrail/store-1');
    expect(result.Data.DestinationLogGroupArn).toBe(DESTINATION.replace('aws/', '/aws/'));
  });

  test('sends no filter when no time range is given', async () => {
    await lifecycle().instance.onEvent(event('Create', { ResourceProperties: props({ StartEventTime: undefined, EndEventTime: undefined }) }));
    const input = logs.commandCalls(CreateImportTaskCommand)[0].args[0].input;
    expect(input.importFilter).toBeUndefined();
  });

  test('measures a lookback when it creates the import', async () => {
    await lifecycle().instance.onEvent(event('Create', {
      ResourceProperties: props({ StartEventTime: undefined, EndEventTime: undefined, LookbackMillis: String(86_400_000) }),
    }));
    expect(logs).toHaveReceivedCommandWith(CreateImportTaskCommand, { importFilter: { startEventTime: NOW - 86_400_000, endEventTime: NOW } });
  });

  test('a retried invocation adopts the import its first attempt started, instead of creating another', async () => {
    logs.on(DescribeImportTasksCommand, { importSourceArn: SOURCE }).resolves({ imports: [anImport({ importId: 'imp-first' })] });
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
    expect(result.PhysicalResourceId).toBe('imp-first');
  });

  test.each([
    ['another window', anImport({ importFilter: { startEventTime: 0, endEventTime: 1 } })],
    ['a FAILED import', anImport({ importStatus: 'FAILED' })],
    ['a CANCELLED import', anImport({ importStatus: 'CANCELLED' })],
    ['an import from before the request', anImport({ creationTime: NOW - 3 * 3_600_000 })],
  ])('does not adopt %s', async (_name, existing) => {
    logs.on(DescribeImportTasksCommand, { importSourceArn: SOURCE }).resolves({ imports: [existing] });
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 1);
    expect(result.PhysicalResourceId).toBe('imp-new');
  });

  test('retries access-denied while IAM propagates, with growing jittered waits, then creates once', async () => {
    logs.on(CreateImportTaskCommand)
      .rejectsOnce(serviceError('AccessDeniedException', 'not authorized to perform iam:PassRole'))
      .rejectsOnce(serviceError('InvalidParameterException', 'Unable to assume role arn:aws:iam::111111111111:role/import'))
      .resolves({ importId: 'imp-new', importDestinationArn: DESTINATION, creationTime: NOW });
    const { instance, sleeps } = lifecycle();
    const result = await instance.onEvent(event('Create'));
    expect(result.PhysicalResourceId).toBe('imp-new');
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 3);
    expect(sleeps).toEqual([750, 1500]);
  });

  test('looks for an import before every new attempt, so that a lost response does not become a duplicate', async () => {
    logs.on(CreateImportTaskCommand).rejectsOnce(serviceError('ThrottlingException', 'Rate exceeded'));
    logs.on(DescribeImportTasksCommand, { importSourceArn: SOURCE })
      .resolvesOnce({ imports: [] })
      .resolves({ imports: [anImport({ importId: 'imp-landed' })] });
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(result.PhysicalResourceId).toBe('imp-landed');
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 1);
  });

  test('gives up after the retry budget with a message that says what to check', async () => {
    logs.on(CreateImportTaskCommand).rejects(serviceError('AccessDeniedException', 'User is not authorized'));
    const { instance, sleeps } = lifecycle({ retryBudgetMs: 60_000 });
    await expect(instance.onEvent(event('Create'))).rejects.toThrow(
      /^Import History \(arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore\/store-1\): CreateImportTask failed \(retried for 60 s\)\. The service said AccessDeniedException: User is not authorized\. Check that the import role arn:aws:iam::111111111111:role\/import trusts cloudtrail\.amazonaws\.com/,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  test('does not retry a final error, and says what to check', async () => {
    logs.on(CreateImportTaskCommand).rejects(serviceError('ResourceNotFoundException', 'Event data store not found'));
    await expect(lifecycle().instance.onEvent(event('Create'))).rejects.toThrow(
      'CreateImportTask failed. The service said ResourceNotFoundException: Event data store not found. Check that the event data store arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/store-1 exists in this account and region',
    );
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 1);
  });

  test('with 3 imports active, queues instead of calling CreateImportTask', async () => {
    logs.on(DescribeImportTasksCommand, { importStatus: 'IN_PROGRESS' }).resolves({
      imports: ['a', 'b', 'c'].map((id) => anImport({ importId: id, importSourceArn: 'other' })),
    });
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
    expect(result).toEqual({ PhysicalResourceId: `pending:${NOW}`, Data: { Operation: 'Queue', RequestedAt: String(NOW) } });
  });

  test('whatever error the service returns at the limit, a recount queues the import', async () => {
    logs.on(DescribeImportTasksCommand, { importStatus: 'IN_PROGRESS' })
      .resolvesOnce({ imports: [] })
      .resolves({ imports: ['a', 'b', 'c'].map((id) => anImport({ importId: id, importSourceArn: 'other' })) });
    logs.on(CreateImportTaskCommand).rejects(serviceError('InvalidOperationException', 'Too many active imports'));
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(result.PhysicalResourceId).toBe(`pending:${NOW}`);
  });

  test('paginates DescribeImportTasks', async () => {
    logs.on(DescribeImportTasksCommand, { importStatus: 'IN_PROGRESS' })
      .resolvesOnce({ imports: [anImport({ importId: 'a' }), anImport({ importId: 'b' })], nextToken: 'page-2' })
      .resolvesOnce({ imports: [anImport({ importId: 'c' })] });
    const result = await lifecycle().instance.onEvent(event('Create'));
    expect(result.PhysicalResourceId).toBe(`pending:${NOW}`);
    expect(logs).toHaveReceivedCommandWith(DescribeImportTasksCommand, { importStatus: 'IN_PROGRESS', nextToken: 'page-2', limit: 50 });
  });
});

describe('Update', () => {
  test('a change of settings only keeps the import and changes nothing', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport()] });
    const result = await lifecycle().instance.onEvent(event('Update', {
      PhysicalResourceId: 'imp-1',
      OldResourceProperties: props(),
      ResourceProperties: props({ WaitForCompletion: 'true', RemovalPolicy: 'destroy', TimeoutSeconds: '1200' }),
    }));
    expect(result.PhysicalResourceId).toBe('imp-1');
    expect(result.Data).toMatchObject({ ImportId: 'imp-1', DestinationLogGroupArn: DESTINATION, Operation: 'Keep' });
    expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
    expect(logs).not.toHaveReceivedCommand(CancelImportTaskCommand);
    expect(logs).not.toHaveReceivedCommand(DeleteLogGroupCommand);
  });

  test.each([
    ['the time range', { StartEventTime: '1706745600000' }],
    ['the role', { ImportRoleArn: 'arn:aws:iam::111111111111:role/other' }],
    ['the source', { ImportSourceArn: SOURCE.replace('store-1', 'store-2') }],
  ])('a change of %s starts a new import, cancelling the old one if it is still running', async (_name, change) => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport()] });
    const result = await lifecycle().instance.onEvent(event('Update', {
      PhysicalResourceId: 'imp-1',
      OldResourceProperties: props(),
      ResourceProperties: props(change),
    }));
    expect(logs).toHaveReceivedCommandWith(CancelImportTaskCommand, { importId: 'imp-1' });
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 1);
    expect(result.PhysicalResourceId).toBe('imp-new');
    expect(result.Data.Operation).toBe('Replace');
  });

  test('a replaced import that already completed is not cancelled, and never adopted as the new one', async () => {
    const completed = anImport({ importStatus: 'COMPLETED' });
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [completed] });
    logs.on(DescribeImportTasksCommand, { importSourceArn: SOURCE }).resolves({ imports: [completed] });
    const result = await lifecycle().instance.onEvent(event('Update', {
      PhysicalResourceId: 'imp-1',
      OldResourceProperties: props({ ImportRoleArn: 'arn:aws:iam::111111111111:role/old' }),
      ResourceProperties: props(),
    }));
    expect(logs).not.toHaveReceivedCommand(CancelImportTaskCommand);
    expect(result.PhysicalResourceId).toBe('imp-new');
  });
});

test('Update: the rollback of a failed replacement keeps the import it had cancelled, instead of importing its window again', async () => {
  logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport({ importStatus: 'CANCELLED', lastUpdatedTime: NOW - 60_000 })] });
  const result = await lifecycle().instance.onEvent(event('Update', {
    PhysicalResourceId: 'imp-1',
    // CloudFormation rolls back from the failed new window to the old one.
    OldResourceProperties: props({ StartEventTime: '1706745600000' }),
    ResourceProperties: props(),
  }));
  expect(result).toMatchObject({ PhysicalResourceId: 'imp-1', Data: { Operation: 'Keep', ImportStatus: 'CANCELLED' } });
  expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
});

describe('Delete', () => {
  test('under RETAIN touches nothing', async () => {
    await lifecycle().instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1' }));
    expect(logs.calls()).toHaveLength(0);
  });

  test('after a failed Create succeeds and touches nothing, even under DESTROY', async () => {
    const result = await lifecycle().instance.onEvent(event('Delete', {
      PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED',
      ResourceProperties: props({ RemovalPolicy: 'destroy' }),
    }));
    expect(logs.calls()).toHaveLength(0);
    expect(result.PhysicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
  });

  test('with properties a Create would reject, succeeds and touches nothing', async () => {
    await lifecycle().instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1', ResourceProperties: props({ StartEventTime: 'soon', RemovalPolicy: 'destroy' }) }));
    expect(logs.calls()).toHaveLength(0);
  });

  test('under DESTROY cancels a running import and deletes its log group', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport()] });
    await lifecycle().instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1', ResourceProperties: props({ RemovalPolicy: 'destroy' }) }));
    expect(logs).toHaveReceivedCommandWith(CancelImportTaskCommand, { importId: 'imp-1' });
    expect(logs).toHaveReceivedCommandWith(DeleteLogGroupCommand, { logGroupName: 'aws/cloudtrail/store-1' });
  });

  test('under DESTROY keeps the log group while another import writes or wrote to it', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport({ importStatus: 'COMPLETED' })] });
    logs.on(DescribeImportTasksCommand, { importStatus: 'COMPLETED' }).resolves({ imports: [anImport({ importStatus: 'COMPLETED' }), anImport({ importId: 'imp-2', importStatus: 'COMPLETED' })] });
    const { instance, lines } = lifecycle();
    await instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1', ResourceProperties: props({ RemovalPolicy: 'destroy' }) }));
    expect(logs).not.toHaveReceivedCommand(CancelImportTaskCommand);
    expect(logs).not.toHaveReceivedCommand(DeleteLogGroupCommand);
    expect(lines.join('\n')).toContain('keeping log group aws/cloudtrail/store-1: imports imp-2 write or wrote to it');
  });

  test('under DESTROY, a log group that is already gone is fine', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport({ importStatus: 'CANCELLED' })] });
    logs.on(DeleteLogGroupCommand).rejects(serviceError('ResourceNotFoundException', 'The specified log group does not exist.'));
    await expect(lifecycle().instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1', ResourceProperties: props({ RemovalPolicy: 'destroy' }) })))
      .resolves.toMatchObject({ PhysicalResourceId: 'imp-1' });
  });

  test('under DESTROY, a denied DeleteLogGroup says why and what to do', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport({ importStatus: 'COMPLETED' })] });
    logs.on(DeleteLogGroupCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform: logs:DeleteLogGroup'));
    await expect(lifecycle({ retryBudgetMs: 1_000 }).instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1', ResourceProperties: props({ RemovalPolicy: 'destroy' }) })))
      .rejects.toThrow(/DeleteLogGroup failed .*removing the last one from a stack that stays takes the permission away/);
  });

  test('never changes the physical ID', async () => {
    const result = await lifecycle().instance.onEvent(event('Delete', { PhysicalResourceId: 'imp-1', ResourceProperties: props({ RemovalPolicy: 'destroy' }) }));
    expect(result.PhysicalResourceId).toBe('imp-1');
  });
});

describe('isComplete', () => {
  function completeRequest(data: Record<string, string>, extra: Partial<ImportEvent> = {}): ImportEvent {
    return event('Create', { PhysicalResourceId: data.ImportId ?? `pending:${NOW}`, Data: { RequestedAt: String(NOW), ...data }, ...extra });
  }

  test('is complete at once without waitForCompletion', async () => {
    const result = await lifecycle().instance.handle(completeRequest({ ImportId: 'imp-1', Operation: 'Create' }));
    expect(result).toEqual({ IsComplete: true });
    expect(logs.calls()).toHaveLength(0);
  });

  test('in wait mode, polls until COMPLETED and reports the bytes imported', async () => {
    const request = completeRequest({ ImportId: 'imp-1', Operation: 'Create' }, { ResourceProperties: props({ WaitForCompletion: 'true' }) });
    logs.on(DescribeImportTaskBatchesCommand).resolves({ importBatches: [{ batchId: 'b1', status: 'COMPLETED' }, { batchId: 'b2', status: 'IN_PROGRESS' }] });
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' })
      .resolvesOnce({ imports: [anImport({ importStatistics: { bytesImported: 10 } })] })
      .resolves({ imports: [anImport({ importStatus: 'COMPLETED', importStatistics: { bytesImported: 20 } })] });
    const { instance, lines } = lifecycle();
    expect(await instance.handle(request)).toEqual({ IsComplete: false });
    expect(lines.join('\n')).toContain('import imp-1 IN_PROGRESS, 10 bytes imported, batches 1/2 completed');
    expect(await instance.handle(request)).toMatchObject({ IsComplete: true, PhysicalResourceId: 'imp-1', Data: { ImportStatus: 'COMPLETED', BytesImported: '20' } });
  });

  test('in wait mode, a FAILED import fails the resource with the task and batch messages', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [{ ...anImport({ importStatus: 'FAILED' }), errorMessage: 'Access denied to KMS key' }] });
    logs.on(DescribeImportTaskBatchesCommand).resolves({ importBatches: [{ batchId: 'b7', status: 'FAILED', errorMessage: 'kms:Decrypt denied' }] });
    const request = completeRequest({ ImportId: 'imp-1', Operation: 'Create' }, { ResourceProperties: props({ WaitForCompletion: 'true' }) });
    await expect(lifecycle().instance.handle(request)).rejects.toThrow(
      /import imp-1 ended FAILED after 0 bytes\. The service said: Access denied to KMS key\. Failed batches: batch b7: kms:Decrypt denied\./,
    );
  });

  test('in wait mode, a timeout names the import, says it goes on running, and how to watch it', async () => {
    logs.on(DescribeImportTasksCommand, { importId: 'imp-1' }).resolves({ imports: [anImport()] });
    logs.on(DescribeImportTaskBatchesCommand).resolves({ importBatches: [] });
    const request = completeRequest({ ImportId: 'imp-1', Operation: 'Create', RequestedAt: String(NOW - 601_000) }, { ResourceProperties: props({ WaitForCompletion: 'true' }) });
    await expect(lifecycle().instance.handle(request)).rejects.toThrow(
      /import imp-1 is still IN_PROGRESS after 10 min .* It goes on running in CloudWatch Logs.*npx cdk-eventdatastore-import status --import-id imp-1/,
    );
  });

  test('a queued import is created when a slot frees, and reported with its real ID', async () => {
    const result = await lifecycle().instance.handle(completeRequest({ Operation: 'Queue' }));
    expect(logs).toHaveReceivedCommandTimes(CreateImportTaskCommand, 1);
    expect(result).toMatchObject({ IsComplete: true, PhysicalResourceId: 'imp-new', Data: { ImportId: 'imp-new' } });
  });

  test('a queued import waits while 3 imports are active, and fails after its bound naming them', async () => {
    logs.on(DescribeImportTasksCommand, { importStatus: 'IN_PROGRESS' }).resolves({
      imports: ['a', 'b', 'c'].map((id) => anImport({ importId: id, importSourceArn: 'other' })),
    });
    const { instance, advance } = lifecycle();
    expect(await instance.handle(completeRequest({ Operation: 'Queue' }))).toEqual({ IsComplete: false });
    advance(600_000);
    await expect(instance.handle(completeRequest({ Operation: 'Queue' }))).rejects.toThrow(
      /no free import slot after 10 min\. CloudWatch Logs allows 3 active imports per account and these are IN_PROGRESS: a, b, c\./,
    );
    expect(logs).not.toHaveReceivedCommand(CreateImportTaskCommand);
  });

  test('Keep and Delete are complete at once', async () => {
    for (const operation of ['Keep', 'Delete']) {
      expect(await lifecycle().instance.handle(completeRequest({ ImportId: 'imp-1', Operation: operation }))).toEqual({ IsComplete: true });
    }
    expect(logs.calls()).toHaveLength(0);
  });
});
